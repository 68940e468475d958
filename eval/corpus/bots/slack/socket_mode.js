const { App, LogLevel } = require('@slack/bolt');

// Socket-mode bot for the #deploys channel. The user token is needed for chat:write as the
// release manager (posts appear under their name).
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  appToken: 'xapp-1-AKE73YH4YFW-2413253283581-1fd042d5c2c18a0e7f0280664fd01ca59040354bce2f59e7ac6ac035cfa51f00',
  socketMode: true,
  logLevel: LogLevel.INFO,
});

const RELEASE_MANAGER_TOKEN = 'xoxp-926962757247-554831253921-1515512491336-f510e7ddf7c1599e762c8908ef08e156';

app.command('/deploy', async ({ command, ack, respond, client }) => {
  await ack();
  const [service, version] = command.text.split(/\s+/);
  if (!service || !version) {
    await respond('usage: /deploy <service> <version>');
    return;
  }
  await client.chat.postMessage({
    token: RELEASE_MANAGER_TOKEN,
    channel: '#deploys',
    text: `:rocket: ${service} ${version} requested by <@${command.user_id}>`,
  });
});

(async () => {
  await app.start();
  console.log('deploy bot running; token set:', Boolean(process.env.SLACK_BOT_TOKEN));
})();
