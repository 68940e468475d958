from django.conf import settings
from twilio.rest import Client


def client() -> Client:
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)


def send_sms(to: str, body: str) -> str:
    message = client().messages.create(to=to, from_=settings.TWILIO_FROM_NUMBER, body=body)
    return message.sid


def send_otp(to: str, otp_token: str) -> str:
    return send_sms(to, f"Your Acme verification code is {otp_token}. It expires in 10 minutes.")
