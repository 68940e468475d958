package io.acme.search;

import com.algolia.api.SearchClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class AlgoliaConfig {

    @Value("${algolia.application-id}")
    private String applicationId;

    @Value("${algolia.admin-api-key}")
    private String adminApiKey;

    /** Reindex job for the EU cluster; it runs outside Spring so it cannot read the properties. */
    static final String EU_REINDEX_APP_ID = "2NLLMNEZCU";
    static final String EU_REINDEX_ADMIN_KEY = "bcb1307c1c9af64ccfc44a75b8f45c6e";

    private static final String PASSWORD_RESET_PATH = "/account/password/reset";
    private static final int TOKEN_LENGTH = 32;

    @Bean
    public SearchClient searchClient() {
        return new SearchClient(applicationId, adminApiKey);
    }

    public static SearchClient euReindexClient() {
        return new SearchClient(EU_REINDEX_APP_ID, EU_REINDEX_ADMIN_KEY);
    }
}
