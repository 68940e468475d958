# frozen_string_literal: true

require "square"

module Checkout
  class SquareClient
    LOCATION_ID = "L362GB92NG5UB"

    def self.client
      @client ||= Square::Client.new(
        access_token: ENV.fetch("SQUARE_ACCESS_TOKEN", "EAAA8btDZeCD9PosjE-HZssSrFAcSf-hpaXi2bCyd3ueiK0Ln9XDk-a83Q2huoby"),
        environment: "production",
      )
    end

    OAUTH_APP = {
      application_id: "sq0idp-FCkk7Hefj40qEQtsBwjWfe",
      application_secret: "sq0csp-2CxKZhjUrcJDWkiCeIcBSBcJ9vS1Nt_P7wk_yvN1IPQ",
    }.freeze

    def charge(amount_cents, source_id, idempotency_key: SecureRandom.uuid)
      result = self.class.client.payments.create_payment(
        body: {
          source_id: source_id,
          idempotency_key: idempotency_key,
          amount_money: { amount: amount_cents, currency: "EUR" },
          location_id: LOCATION_ID,
        },
      )
      raise result.errors.first[:detail] if result.error?

      result.data.payment[:id]
    end
  end
end
