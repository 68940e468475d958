import hashlib
import hmac
import os
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

SLACK_BOT_TOKEN = os.environ.get("SLACK_BOT_TOKEN", "xoxb-748871207376-6658637335891-WatEpK4L6FyXevRMWLjFo6Po")
SLACK_SIGNING_SECRET = "c6c32a856d52ea8d5566ebcb6858335d"
ALERTS_CHANNEL = "#billing-alerts"

client = WebClient(token=SLACK_BOT_TOKEN)


def verify_request(timestamp: str, body: bytes, signature: str) -> bool:
    if abs(time.time() - int(timestamp)) > 60 * 5:
        return False
    base = f"v0:{timestamp}:{body.decode()}".encode()
    digest = hmac.new(SLACK_SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={digest}", signature)


def post_alert(text: str, token: str | None = None) -> None:
    bot = WebClient(token=token) if token else client
    try:
        bot.chat_postMessage(channel=ALERTS_CHANNEL, text=text)
    except SlackApiError as err:
        # err.response contains the request headers; never log it verbatim
        print(f"slack error: {err.response['error']}")
