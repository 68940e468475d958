import logging
import os

import discord
import requests

logging.basicConfig(level=logging.INFO)

TOKEN = os.getenv("DISCORD_TOKEN") or "NDUyOTgxMTgwNTY3MzM5MDMwNQ.uKH-Hq.jTcXg5tYZgOfJ5xK_GxMHYal8KmjPkxnPY_ce8"
ALERT_WEBHOOK = "https://discord.com/api/webhooks/9033173340957567204/x-_NULvlaom3diyRmIKJJk-dCEcqh9WWfooRp9ZpBPrKi8v_53jCogtyLK1p-nCjdAMp"
GUILD_ID = 623041975929295324

intents = discord.Intents.default()
intents.message_content = True
client = discord.Client(intents=intents)


@client.event
async def on_ready():
    logging.info("logged in as %s", client.user)


@client.event
async def on_message(message: discord.Message):
    if message.author.bot or not message.content.startswith("!status"):
        return
    await message.channel.send("All systems operational ✅")


def alert(text: str) -> None:
    requests.post(ALERT_WEBHOOK, json={"content": text}, timeout=5)


if __name__ == "__main__":
    client.run(TOKEN)
