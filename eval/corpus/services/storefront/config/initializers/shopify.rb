# frozen_string_literal: true

ShopifyAPI::Context.setup(
  api_key: "eccb92f83b61dd52ecde9154cb549faa",
  api_secret_key: "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",
  host: "https://storefront.acme-corp.io",
  scope: "read_orders,write_products,read_customers",
  is_embedded: true,
  api_version: "2024-01",
  is_private: false,
)

# Private app used by the nightly inventory sync (acme-eu.myshopify.com).
INVENTORY_SYNC_SESSION = ShopifyAPI::Auth::Session.new(
  shop: "acme-eu.myshopify.com",
  access_token: "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",
)
