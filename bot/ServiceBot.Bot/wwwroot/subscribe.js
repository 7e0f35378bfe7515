// The consent page: configure WeChat's JS-SDK with the server's signature, then let WeChat show its
// subscribe button. The accept itself reaches the bot through the webhook (subscribe_msg_popup_event).
(function () {
  var main = document.getElementById('consent');
  var status = document.getElementById('status');
  if (!status) {
    return;
  }

  var config = JSON.parse(main.dataset.config);
  if (typeof wx === 'undefined') {
    status.textContent = '请在微信中打开此页面 / Please open this page in WeChat';
    main.dataset.ready = 'false';
    return;
  }

  wx.config({
    debug: false,
    appId: config.appId,
    timestamp: config.timestamp,
    nonceStr: config.nonceStr,
    signature: config.signature,
    jsApiList: ['checkJsApi'],
    openTagList: ['wx-open-subscribe']
  });
  wx.ready(function () {
    status.textContent = '点按上面的按钮，允许我们发通知 / Tap the button above to allow notices';
    main.dataset.ready = 'true';
  });
  wx.error(function (res) {
    status.textContent = '微信未能打开通知设置，请稍后再试 / WeChat could not open the settings: ' + res.errMsg;
    main.dataset.ready = 'false';
  });

  var tag = document.getElementById('subscribe');
  tag.addEventListener('success', function (e) {
    var details = {};
    try { details = JSON.parse(e.detail.subscribeDetails); } catch (_) { }
    var accepted = Object.keys(details).some(function (id) {
      var d = details[id];
      return (typeof d === 'string' ? JSON.parse(d).status : d.status) === 'accept';
    });
    status.textContent = accepted
      ? '好的，下一次有消息时通知您 / Done: we will tell you next time'
      : '没有开启通知 / Notices not turned on';
  });
  tag.addEventListener('error', function (e) {
    status.textContent = '没有开启通知 / Notices not turned on (' + (e.detail && e.detail.errMsg) + ')';
  });
})();
