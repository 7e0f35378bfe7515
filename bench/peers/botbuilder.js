// The Bot Framework JS SDK (botbuilder 4.23) as a merchant would wire it to WeChat without Azure
// Bot Service: a small adapter turns each decrypted message into an activity, an ActivityHandler
// echoes it and counts turns in ConversationState on MemoryStorage, and the reply is encrypted
// back. Decryption and XML parsing are node-webot's own (wechat-crypto, xml2js).
// node botbuilder.js <port> <token> <encodingAESKey> <appId>
'use strict';
const http = require('http');
const { URL } = require('url');
const xml2js = require('xml2js');
const WXBizMsgCrypt = require('wechat-crypto');
const { ActivityHandler, ActivityTypes, BotAdapter, ConversationState, MemoryStorage, TurnContext } = require('botbuilder');

const [port, token, encodingAESKey, appid] = process.argv.slice(2);
const cryptor = new WXBizMsgCrypt(token, encodingAESKey, appid);

class WeChatAdapter extends BotAdapter {
  async sendActivities(context, activities) {
    context.turnState.get('replies').push(...activities);
    return activities.map(() => ({ id: '' }));
  }
  async updateActivity() { throw new Error('not supported'); }
  async deleteActivity() { throw new Error('not supported'); }
  async continueConversation() { throw new Error('not supported'); }
  async process(activity, logic) {
    const context = new TurnContext(this, activity);
    context.turnState.set('replies', []);
    await this.runMiddleware(context, logic);
    return context.turnState.get('replies');
  }
}

const conversationState = new ConversationState(new MemoryStorage());
const turns = conversationState.createProperty('turns');
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const count = (await turns.get(context, 0)) + 1;
      await turns.set(context, count);
      await context.sendActivity('收到：' + context.activity.text);
      await next();
    });
  }
  async run(context) {
    await super.run(context);
    await conversationState.saveChanges(context, false);
  }
}

const adapter = new WeChatAdapter();
const bot = new EchoBot();

function parse(xml) {
  return new Promise((resolve, reject) => xml2js.parseString(xml, { trim: true, explicitArray: false }, (err, r) => err ? reject(err) : resolve(r.xml)));
}

function reply(to, from, content, nonce) {
  const now = Math.floor(Date.now() / 1000);
  const inner = `<xml><ToUserName><![CDATA[${to}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName>` +
    `<CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content></xml>`;
  const encrypt = cryptor.encrypt(inner);
  const signature = cryptor.getSignature(now, nonce, encrypt);
  return `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature>` +
    `<TimeStamp>${now}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`;
}

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const q = new URL(req.url, 'http://127.0.0.1').searchParams;
      const envelope = await parse(Buffer.concat(chunks).toString('utf8'));
      if (cryptor.getSignature(q.get('timestamp'), q.get('nonce'), envelope.Encrypt) !== q.get('msg_signature')) {
        res.writeHead(401).end();
        return;
      }
      const message = await parse(cryptor.decrypt(envelope.Encrypt).message);
      const activity = {
        type: ActivityTypes.Message, id: message.MsgId, text: message.Content, channelId: 'wechat',
        from: { id: message.FromUserName }, recipient: { id: message.ToUserName },
        conversation: { id: message.FromUserName }, serviceUrl: 'http://127.0.0.1',
      };
      const replies = await adapter.process(activity, (context) => bot.run(context));
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(reply(message.FromUserName, message.ToUserName, replies[0].text, q.get('nonce')));
    } catch (e) {
      res.writeHead(400).end(String(e.message));
    }
  });
}).listen(Number(port), '127.0.0.1', () => console.log('listening'));
