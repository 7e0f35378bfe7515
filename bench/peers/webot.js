// node-webot (npm "wechat"): the long-standing Node WeChat middleware, answering every encrypted
// message with a fixed echo. It keeps no state at all.
// node webot.js <port> <token> <encodingAESKey> <appId>
'use strict';
const express = require('express');
const wechat = require('wechat');

const [port, token, encodingAESKey, appid] = process.argv.slice(2);
const app = express();
app.use(express.query());
app.use('/api/wechat', wechat({ token, appid, encodingAESKey }, (req, res) => {
  res.reply('收到：' + req.weixin.Content);
}));
app.listen(Number(port), '127.0.0.1', () => console.log('listening'));
