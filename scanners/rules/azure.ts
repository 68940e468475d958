import { defineRules } from './define.js';

/** 64 random bytes in base64: storage account and Cosmos DB keys. */
const KEY_88 = String.raw`[A-Za-z0-9+/]{86}==`;
/** 32 random bytes in base64: SAS policy keys of Service Bus, Event Hubs, IoT Hub, SignalR. */
const KEY_44 = String.raw`[A-Za-z0-9+/]{43}=`;
const END_B64 = String.raw`(?![A-Za-z0-9+/=])`;

const ROTATE_STORAGE =
  'Rotate the key in the storage account (Security + networking > Access keys) and move clients to Entra ID or user-delegation SAS.';
const ROTATE_SAS_POLICY =
  'Regenerate the keys of the shared access policy (Shared access policies > policy > Regenerate) and prefer Entra ID auth.';
const APP_INSIGHTS =
  'InstrumentationKey=163aca4b-5bf9-44a1-92d5-584892fa4ec9;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';

export const rules = defineRules([
  {
    id: 'azure-storage-account-key',
    title: 'Azure Storage account key in a connection string',
    provider: 'Azure',
    severity: 'critical',
    keywords: ['accountkey='],
    pattern: new RegExp(
      String.raw`AccountName=[A-Za-z0-9]{3,24};\s*AccountKey=(?<secret>${KEY_88})${END_B64}`,
    ),
    window: { before: 50, after: 120 },
    remediation: ROTATE_STORAGE,
    docs: 'https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage',
    examples: {
      positive: [
        'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=stbillingprod;AccountKey=C7HsnLl2H1zTVm7jtMEgHmFa5WEryR6ZmIVjQCdF7Tnenfl4uaGU297lThg8eulVs0LqrZsNn7pEqKa1lRKZYQ==;EndpointSuffix=core.windows.net"',
        '"Storage": "DefaultEndpointsProtocol=https;AccountName=logsarchive01;AccountKey=AnCY7/YyhgDIl9D/5WA+bQiPy+JAufjO5hd5na4o6jaTTABQSfU6X0zNKZ3EnNFhE0NgDxFs7qetaqoOMykwoA==;"',
      ],
      negative: [
        'DefaultEndpointsProtocol=https;AccountName=stbillingprod;AccountKey=<storage-account-key>;EndpointSuffix=core.windows.net',
        'APPLICATIONINSIGHTS_CONNECTION_STRING=' + APP_INSIGHTS,
        // the Azurite emulator key is published by Microsoft and grants nothing
        'UseDevelopmentStorage=true',
      ],
    },
  },
  {
    id: 'azure-storage-account-key-assignment',
    title: 'Azure Storage account key',
    provider: 'Azure',
    severity: 'critical',
    keywords: ['storage_account', 'storageaccount', 'storage_key', 'storagekey', 'access_key', 'accesskey'],
    // AZURE_STORAGE_KEY, Terraform's ARM_ACCESS_KEY backend variable, *_storage_account_access_key.
    pattern: new RegExp(
      String.raw`(?:azure_?storage_?(?:account_?)?(?:access_?)?key|storage_?account_?(?:access_?)?key|arm_?access_?key|primary_?access_?key)["']?\s*(?::=|=>|[:=])\s*["']?(?<secret>${KEY_88})${END_B64}`,
      'i',
    ),
    window: { before: 40, after: 120 },
    remediation: ROTATE_STORAGE,
    docs: 'https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage',
    examples: {
      positive: [
        'export AZURE_STORAGE_KEY=C7HsnLl2H1zTVm7jtMEgHmFa5WEryR6ZmIVjQCdF7Tnenfl4uaGU297lThg8eulVs0LqrZsNn7pEqKa1lRKZYQ==',
        'ARM_ACCESS_KEY: "AnCY7/YyhgDIl9D/5WA+bQiPy+JAufjO5hd5na4o6jaTTABQSfU6X0zNKZ3EnNFhE0NgDxFs7qetaqoOMykwoA=="',
        'storage_account_access_key = "C7HsnLl2H1zTVm7jtMEgHmFa5WEryR6ZmIVjQCdF7Tnenfl4uaGU297lThg8eulVs0LqrZsNn7pEqKa1lRKZYQ=="',
      ],
      negative: [
        'export AZURE_STORAGE_KEY=$(az storage account keys list -n st --query [0].value -o tsv)',
        'storage_account_access_key = azurerm_storage_account.logs.primary_access_key',
        'APPINSIGHTS_INSTRUMENTATIONKEY=163aca4b-5bf9-44a1-92d5-584892fa4ec9',
      ],
    },
  },
  {
    id: 'azure-cosmosdb-key',
    title: 'Azure Cosmos DB account key',
    provider: 'Azure',
    severity: 'critical',
    keywords: ['documents.azure.com', 'cosmos'],
    pattern: new RegExp(
      String.raw`(?:AccountEndpoint=https://[a-z0-9-]{3,50}\.documents\.azure\.com(?::443)?/?;\s*AccountKey=|cosmos(?:_?db)?[\w-]{0,20}?(?:key|secret)["']?\s*(?::=|=>|[:=])\s*["']?)(?<secret>${KEY_88})${END_B64}`,
      'i',
    ),
    window: { before: 90, after: 220 },
    remediation:
      'Regenerate the key in the Cosmos DB account (Settings > Keys) and move clients to Entra ID RBAC.',
    docs: 'https://learn.microsoft.com/azure/cosmos-db/database-security',
    examples: {
      positive: [
        'COSMOS_CONNECTION="AccountEndpoint=https://orders-db.documents.azure.com:443/;AccountKey=sepNTM8lBKXuDA+DZyWQWPAiH7TLvocye834MNjbnM3HjcK3LfdBHF2ZoKsCoEG13p7qYLL1BCmtkJLqDPmoxQ==;"',
        'COSMOS_DB_PRIMARY_KEY=WPyeqWk4cELFnLhNwomeo/X/oSqwBQZj2ir7OWG3K+mt7D58tZbnkpYCLPe8+PosFR0x+odHNhnD25iCxQdYuQ==',
      ],
      negative: [
        'AccountEndpoint=https://orders-db.documents.azure.com:443/;AccountKey=${COSMOS_KEY};',
        'cosmosKey: process.env.COSMOS_KEY',
      ],
    },
  },
  {
    id: 'azure-sas-token',
    title: 'Azure shared access signature (SAS) token',
    provider: 'Azure',
    severity: 'high',
    keywords: ['sig='],
    // A query string with signed fields (sv, se, sp, ...) ending in the HMAC signature `sig`.
    pattern:
      /(?:[?&](?:sv|se|st|sp|sr|ss|srt|spr|sip|si|sdd|skoid|sktid|skt|ske|sks|skv|saoid|suoid|scid|ses|rscc|rscd|rsce|rscl|rsct)=[^\s"'<>#&]{1,200}){2,24}&sig=(?<secret>[A-Za-z0-9%+/]{40,120}={0,2})(?![A-Za-z0-9%+/=])/,
    window: { before: 700, after: 130 },
    validate: (_secret, match) => match[0].includes('sv=') && match[0].includes('se='),
    minEntropy: 4,
    remediation:
      'Rotate the account key or revoke the user-delegation key that signed it (or delete the stored access policy) — a SAS cannot be revoked on its own.',
    docs: 'https://learn.microsoft.com/azure/storage/common/storage-sas-overview',
    examples: {
      positive: [
        'BLOB_URL=https://stbillingprod.blob.core.windows.net/exports/q3.csv?sp=r&st=2025-03-01T09:00:00Z&se=2026-03-01T17:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=lgd7Z3nYwbu61%2FZOZtz3uXMTpDh1pLamdXezO%2Fz2cqQ%3D',
        'sas_token: "?sv=2021-06-08&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2027-01-01T00:00:00Z&st=2024-12-31T00:00:00Z&spr=https&sig=YTsuVlSMSxv4%2FuZK8e02Ry%2FXYC8BiAAKeTeQ0WPMmK8%3D"',
      ],
      negative: [
        'https://stbillingprod.blob.core.windows.net/exports/q3.csv?sv=2022-11-02&se=2026-03-01&sig=<signature>',
        // a signature without any signed SAS fields is something else
        'https://example.net/callback?user=7&sig=lgd7Z3nYwbu61%2FZOZtz3uXMTpDh1pLamdXezO%2Fz2cqQ%3D',
      ],
    },
  },
  {
    id: 'azure-entra-client-secret',
    title: 'Microsoft Entra ID (Azure AD) application client secret',
    provider: 'Azure',
    severity: 'high',
    keywords: ['q~'],
    // Secrets issued since 2021: 3 characters, a version digit, `Q~`, then 31-34 more characters.
    pattern: /(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/,
    window: { before: 5, after: 45 },
    minEntropy: 3.5,
    remediation:
      'Delete the secret in Entra ID > App registrations > Certificates & secrets and switch to a certificate or workload identity federation.',
    docs: 'https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials',
    examples: {
      positive: [
        'AZURE_CLIENT_SECRET=eXT8Q~BCCkjdFFAC.hka7mFKK8S_8eoX39RTU0Uz',
        '"ClientSecret": "IeZ7Q~duD8PgpVJE5hlsz2S9dm-DvTpqDLFeBLhl"',
      ],
      negative: ['AZURE_CLIENT_SECRET=eXT8Q~BCCkjdFFAC.hka7mF', 'path = "~/data/v8Q~notes.txt"'],
    },
  },
  {
    id: 'azure-entra-client-secret-assignment',
    title: 'Microsoft Entra ID (Azure AD) application client secret (legacy format)',
    provider: 'Azure',
    severity: 'high',
    keywords: ['client_secret', 'clientsecret', 'client-secret'],
    // Older secrets carry no marker: only an Azure-named assignment identifies them.
    pattern:
      /(?:azure|arm|aad|entra|msal|microsoft)[_-]?(?:ad[_-]?)?client[_-]?secret["']?\s*(?::=|=>|[:=])\s*["']?(?![A-Za-z0-9_~.-]{3}\dQ~)(?<secret>[A-Za-z0-9_~.+/=-]{32,44})(?![A-Za-z0-9_~.+/=-])/i,
    window: { before: 30, after: 90 },
    minEntropy: 3.8,
    remediation:
      'Delete the secret in Entra ID > App registrations > Certificates & secrets and switch to a certificate or workload identity federation.',
    docs: 'https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials',
    examples: {
      positive: [
        'ARM_CLIENT_SECRET=oubFnVcHHGfm0UF2Dds5.IXjXn08eBl-6G',
        'azure_client_secret: "oubFnVcHHGfm0UF2Dds5.IXjXn08eBl-6G"',
      ],
      negative: [
        // the current format is reported by azure-entra-client-secret instead
        'AZURE_CLIENT_SECRET=eXT8Q~BCCkjdFFAC.hka7mFKK8S_8eoX39RTU0Uz',
        'ARM_CLIENT_SECRET=${{ secrets.ARM_CLIENT_SECRET }}',
        'AZURE_CLIENT_SECRET=163aca4b-5bf9-44a1',
      ],
    },
  },
  {
    id: 'azure-devops-pat',
    title: 'Azure DevOps personal access token',
    provider: 'Azure DevOps',
    severity: 'critical',
    keywords: [
      'azure_devops',
      'azuredevops',
      'azure-devops',
      'ado_',
      'azdo',
      'vsts',
      'dev.azure.com',
      'visualstudio.com',
    ],
    // 52 lowercase base32 characters: recognised only in Azure DevOps context (a named assignment or a git URL).
    pattern:
      /(?:(?<![a-z0-9])(?:azure[_-]?devops|ado|azdo|vsts)[\w-]{0,24}?(?:pat|token|password|key)["']?\s*(?::=|=>|[:=])\s*["']?|https:\/\/[^\s:@/]{1,80}:)(?<secret>[a-z2-7]{52})(?![a-z0-9])(?:@(?:dev\.azure\.com|[a-z0-9-]{1,60}\.visualstudio\.com))?/i,
    window: { before: 150, after: 150 },
    validate: (secret, match) =>
      /^[a-z2-7]{52}$/.test(secret) &&
      (!match[0].startsWith('https://') || /@(?:dev\.azure\.com|[\w-]+\.visualstudio\.com)$/i.test(match[0])),
    minEntropy: 3.5,
    remediation:
      'Revoke the token in Azure DevOps (User settings > Personal access tokens); admins can revoke it organization-wide.',
    docs: 'https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate',
    examples: {
      positive: [
        'AZURE_DEVOPS_EXT_PAT=7lonyvoycggq6z6nhreirxrzmx5n3jkiqnlvjfj7lujayunrduf5',
        'git clone https://build:vxxrjdttmmw63ui2rnkishbqiz5c3sbivvi33avfvaijnzsdd26n@dev.azure.com/contoso/payments/_git/api',
        'ado_token: "7lonyvoycggq6z6nhreirxrzmx5n3jkiqnlvjfj7lujayunrduf5"',
      ],
      negative: [
        'AZURE_DEVOPS_EXT_PAT=$(System.AccessToken)',
        // upper case is not a PAT alphabet
        'ADO_TOKEN=7LONYVOYCGGQ6Z6NHREIRXRZMX5N3JKIQNLVJFJ7LUJAYUNRDUF5',
        'https://build:vxxrjdttmmw63ui2rnkishbqiz5c3sbivvi33avfvaijnzsdd26n@github.com/contoso/api',
      ],
    },
  },
  {
    id: 'azure-devops-pat-v2',
    title: 'Azure DevOps personal access token (84-character format)',
    provider: 'Azure DevOps',
    severity: 'critical',
    keywords: ['azdo'],
    // Since July 2024 PATs are 84 characters with the fixed signature `AZDO` at positions 76-79.
    pattern: /(?<![A-Za-z0-9])(?<secret>[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})(?![A-Za-z0-9])/,
    window: { before: 80, after: 10 },
    minEntropy: 4,
    remediation:
      'Revoke the token in Azure DevOps (User settings > Personal access tokens); admins can revoke it organization-wide.',
    docs: 'https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate#changes-to-format',
    examples: {
      positive: [
        'AZURE_DEVOPS_EXT_PAT=fRJGsQ5Wxf24UCtL9UZEfADHRCZ6X762LpK61NRGEufpWldhv0MnJQQJ99rCGxzajDk3dZL7SYc2AZDOsuml',
        'password: eFzLvaJOBNCN9FuUQp8DGhbV1YY9v4fzERqhsQDB5qGW58goSR7gJQQJ99OoRp0Pj1MbTrCubW4HAZDO3Pxe',
      ],
      negative: [
        // signature in the wrong place
        'pat=fRJGsQ5Wxf24UCtL9UZEfADHRCZ6X762LpK61NRGEufpWldhv0MnJQQJ99rCGxzajDk3dZL7SYAZDOc2suml',
        'AZDO_ORG_SERVICE_URL=https://dev.azure.com/contoso',
      ],
    },
  },
  {
    id: 'azure-service-bus-connection-string',
    title: 'Azure Service Bus / Event Hubs shared access key',
    provider: 'Azure',
    severity: 'high',
    keywords: ['.servicebus.'],
    pattern: new RegExp(
      String.raw`Endpoint=sb://[A-Za-z0-9-]{1,60}\.servicebus\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)/?;\s*SharedAccessKeyName=[^;"'\s]{1,256};\s*SharedAccessKey=(?<secret>${KEY_44})${END_B64}`,
    ),
    window: { before: 80, after: 420 },
    remediation: ROTATE_SAS_POLICY,
    docs: 'https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas',
    examples: {
      positive: [
        'SERVICEBUS_CONNECTION="Endpoint=sb://orders-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=6ZyxLjh8LdZtdo5P2gnQUXjysKX21J+VQjGsiBoEmiM="',
        '"EventHub": "Endpoint=sb://telemetry-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=bSfkjdVoYiu/urjMW1LaoH36D5XLoKcgvUhAVhXbECw=;EntityPath=clicks"',
      ],
      negative: [
        'Endpoint=sb://orders-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=<key>',
        'fullyQualifiedNamespace: orders-bus.servicebus.windows.net',
      ],
    },
  },
  {
    id: 'azure-iot-hub-connection-string',
    title: 'Azure IoT Hub shared access key',
    provider: 'Azure',
    severity: 'high',
    keywords: ['.azure-devices.net'],
    pattern: new RegExp(
      String.raw`HostName=[A-Za-z0-9-]{1,60}\.azure-devices\.net;\s*(?:SharedAccessKeyName|DeviceId|ModuleId)=[^;"'\s]{1,128};\s*(?:ModuleId=[^;"'\s]{1,128};\s*)?SharedAccessKey=(?<secret>${KEY_44})${END_B64}`,
    ),
    window: { before: 80, after: 400 },
    remediation: ROTATE_SAS_POLICY,
    docs: 'https://learn.microsoft.com/azure/iot-hub/authenticate-authorize-sas',
    examples: {
      positive: [
        'IOTHUB_CONNECTION_STRING="HostName=plant-7.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=2xmBPPTRPl+qSAGPs98ZgPfBGCecdQAeKshBYhbpnOA="',
        'device: HostName=plant-7.azure-devices.net;DeviceId=press-04;SharedAccessKey=I9e8VYquG7Vs41A18ZGpJ0HfQqQ6AiDsrOSeEDOMDMc=',
      ],
      negative: [
        'HostName=plant-7.azure-devices.net;DeviceId=press-04;x509=true',
        'HostName=plant-7.azure-devices.net;DeviceId=press-04;SharedAccessKey=',
      ],
    },
  },
  {
    id: 'azure-signalr-connection-string',
    title: 'Azure SignalR / Web PubSub access key',
    provider: 'Azure',
    severity: 'high',
    keywords: ['.service.signalr.net', '.webpubsub.azure.com'],
    pattern: new RegExp(
      String.raw`Endpoint=https://[A-Za-z0-9-]{1,63}\.(?:service\.signalr\.net|webpubsub\.azure\.com);\s*AccessKey=(?<secret>${KEY_44})${END_B64}`,
    ),
    window: { before: 90, after: 120 },
    remediation:
      'Regenerate the access keys of the resource (Settings > Keys) and prefer Entra ID authentication.',
    docs: 'https://learn.microsoft.com/azure/azure-signalr/signalr-concept-authenticate',
    examples: {
      positive: [
        'Azure__SignalR__ConnectionString="Endpoint=https://chat-prod.service.signalr.net;AccessKey=umYorLlqr6xJja6/iGdnY8b0jpNNq4eO73TUsJVr9ek=;Version=1.0;"',
        'WEBPUBSUB="Endpoint=https://feeds.webpubsub.azure.com;AccessKey=6ZyxLjh8LdZtdo5P2gnQUXjysKX21J+VQjGsiBoEmiM=;Version=1.0;"',
      ],
      negative: [
        'Endpoint=https://chat-prod.service.signalr.net;AuthType=azure.msi;Version=1.0;',
        'Endpoint=https://chat-prod.service.signalr.net;AccessKey=${SIGNALR_KEY};Version=1.0;',
      ],
    },
  },
  {
    id: 'azure-function-key',
    title: 'Azure Functions function or host key',
    provider: 'Azure',
    severity: 'medium',
    keywords: ['.azurewebsites.net/api/', 'x-functions-key'],
    pattern:
      /(?:https:\/\/[a-z0-9-]{2,60}\.azurewebsites\.net\/api\/[A-Za-z0-9_/-]{1,100}\?(?:[^\s"'#&]{1,100}&){0,5}code=|x-functions-key["']?\s*[:=]\s*["']?)(?<secret>[A-Za-z0-9_/+-]{40,100}(?:==|%3D%3D)?)(?![A-Za-z0-9_/+=%-])/i,
    window: { before: 80, after: 400 },
    minEntropy: 4,
    remediation:
      "Renew the key in the function app (Functions > App keys or the function's Function keys) and put the app behind Entra ID or API Management.",
    docs: 'https://learn.microsoft.com/azure/azure-functions/function-keys-how-to',
    examples: {
      positive: [
        'WEBHOOK=https://invoice-fn.azurewebsites.net/api/render?code=yLNhSrJWCd6mgQqLFwQOQGL3BX7ywgSpxSmr6kKI1mRS8GqJVf3_JQ==',
        'curl -H "x-functions-key: rFSF0EgNFSF5wl5ynJ31_YJALiGmIw2r_II8GwIKTN40X8LfRX_fnA==" https://invoice-fn.azurewebsites.net/api/render',
      ],
      negative: [
        'https://invoice-fn.azurewebsites.net/api/render?code=${FUNCTION_KEY}',
        'https://invoice-fn.azurewebsites.net/api/render?name=world',
      ],
    },
  },
  {
    id: 'azure-container-registry-password',
    title: 'Azure Container Registry password or token',
    provider: 'Azure',
    severity: 'high',
    keywords: ['+acr'],
    // Registry credentials carry the identifiable marker `+ACR` at positions 42-45 of 52 characters.
    pattern: /(?<![A-Za-z0-9+/])(?<secret>[A-Za-z0-9+/]{42}\+ACR[A-Za-z0-9]{6})(?![A-Za-z0-9+/=])/,
    window: { before: 50, after: 15 },
    minEntropy: 4,
    remediation:
      'Regenerate the admin password or the token password in the registry (Settings > Access keys / Tokens).',
    docs: 'https://learn.microsoft.com/azure/container-registry/container-registry-authentication',
    examples: {
      positive: [
        'docker login contosoregistry.azurecr.io -u contosoregistry -p 2WkLrIMOTdHLyTngaG/RZUk5GvKMYSp2svYX4S0nRM+ACRKEub3U',
        'ACR_PASSWORD: "g16B5iQnjlEV/uZIImu+ftPVqiY0A0/K5JourgVa7j+ACRAyp0wk"',
      ],
      negative: [
        'ACR_PASSWORD: "g16B5iQnjlEV/uZIImu+ftPVqiY0A0/K5JourgVa7j+ACR"',
        'docker login contosoregistry.azurecr.io -u $ACR_USER -p "+ACR"',
      ],
    },
  },
  {
    id: 'azure-apim-subscription-key',
    title: 'Azure API Management / AI services subscription key',
    provider: 'Azure',
    severity: 'medium',
    keywords: ['ocp-apim-subscription-key'],
    pattern: /Ocp-Apim-Subscription-Key["']?\s*[:=,]\s*["']?(?<secret>[a-f0-9]{32})(?![A-Za-z0-9])/i,
    window: { before: 0, after: 80 },
    minEntropy: 3.2,
    remediation:
      "Regenerate the primary/secondary key of the subscription (API Management > Subscriptions, or the AI resource's Keys and Endpoint).",
    docs: 'https://learn.microsoft.com/azure/api-management/api-management-subscriptions',
    examples: {
      positive: [
        'curl -H "Ocp-Apim-Subscription-Key: 3f9c1b27e04d4a6f8d21c7b95e0a6d4c" https://contoso.azure-api.net/orders',
        "headers = {'Ocp-Apim-Subscription-Key': 'b8e2d0c94f1a47e3a65d9f0c2b7e14a8'}",
      ],
      negative: [
        "headers = {'Ocp-Apim-Subscription-Key': os.environ['APIM_KEY']}",
        'Ocp-Apim-Subscription-Key: {{subscription-key}}',
      ],
    },
  },
]);
