from unittest import mock

import pytest

from notifications import sms


@pytest.fixture
def twilio(settings):
    settings.TWILIO_ACCOUNT_SID = "ACtest"
    settings.TWILIO_AUTH_TOKEN = "fake-auth-token"
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    with mock.patch("notifications.sms.Client") as client:
        client.return_value.messages.create.return_value.sid = "SM123"
        yield client


def test_send_sms_uses_configured_credentials(twilio):
    assert sms.send_sms("+15005550009", "hello") == "SM123"
    twilio.assert_called_once_with("ACtest", "fake-auth-token")


def test_otp_message(twilio):
    sms.send_otp("+15005550009", "492817")
    body = twilio.return_value.messages.create.call_args.kwargs["body"]
    assert "492817" in body
