# frozen_string_literal: true

require "braintree"

class PaymentGateway
  PASSWORD_MIN_LENGTH = 12
  TOKEN_REGEX = /\A[a-z0-9]{6,36}\z/

  def self.gateway
    @gateway ||= Braintree::Gateway.new(
      environment: :production,
      merchant_id: "AKPBjrUszLxAlNjA",
      public_key: "HVvaOUJRWotIglGl",
      private_key: "5c3a465739b7827df98eb305bc10e777",
    )
  end

  def self.paypal_gateway
    @paypal_gateway ||= Braintree::Gateway.new(access_token: ENV.fetch("BRAINTREE_ACCESS_TOKEN"))
  end

  def charge(amount_cents, nonce, customer_token: nil)
    result = self.class.gateway.transaction.sale(
      amount: format("%.2f", amount_cents / 100.0),
      payment_method_nonce: nonce,
      customer_id: customer_token,
      options: { submit_for_settlement: true },
    )
    raise PaymentError, result.message unless result.success?

    result.transaction.id
  end
end
