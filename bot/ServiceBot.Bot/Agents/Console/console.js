// The agent console: the queue, one case at a time, live over SignalR. Every change is a POST with
// the anti-forgery token from /agent/api/me; the server decides, the console shows what it said.
(() => {
  const $ = id => document.getElementById(id);
  let me = null;
  let selected = null;
  let current = null;

  const kinds = { queued: '排队中 waiting', agent: '进行中 with agent', closed: '已结束 closed' };

  async function api(path, options = {}) {
    const response = await fetch('/agent/api' + path, {
      ...options,
      headers: { 'Content-Type': 'application/json', 'X-XSRF-TOKEN': me ? me.token : '', ...(options.headers || {}) },
      credentials: 'same-origin',
    });
    if (response.status === 401) { location.href = '/agent/login'; throw new Error('signed out'); }
    const body = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
    if (!response.ok) { throw new Error(body?.detail || body?.title || response.statusText); }
    return body;
  }

  function text(tag, value, className) {
    const element = document.createElement(tag);
    element.textContent = value;
    if (className) element.className = className;
    return element;
  }

  function waited(seconds) {
    return seconds < 60 ? `${seconds} 秒` : seconds < 3600 ? `${Math.floor(seconds / 60)} 分钟` : `${Math.floor(seconds / 3600)} 小时`;
  }

  async function loadQueue() {
    const items = await api('/queue');
    const list = $('queue');
    list.replaceChildren(...items.map(item => {
      const li = document.createElement('li');
      li.dataset.case = item.caseId;
      li.className = item.state + (item.caseId === selected ? ' selected' : '');
      li.append(text('span', item.state === 'queued' ? '等待' : item.agentId, 'state'), text('strong', item.customer), document.createElement('br'),
        text('span', `${item.reason} · 已等 ${waited(item.waitingSeconds)}`, 'muted'));
      if (item.last) { li.append(document.createElement('br'), text('span', item.last, 'muted last')); }
      li.addEventListener('click', () => open(item.caseId));
      return li;
    }));
    $('queue-count').textContent = items.length;
    $('queue-empty').hidden = items.length > 0;
  }

  function showError(message) {
    $('error').textContent = message || '';
    $('error').hidden = !message;
  }

  async function open(caseId) {
    selected = caseId;
    showError('');
    document.querySelectorAll('#queue li').forEach(li => li.classList.toggle('selected', li.dataset.case === caseId));
    await loadCase();
    $('case').hidden = false;
    document.querySelector('.queue').classList.add('hidden-on-phone');
  }

  async function loadCase() {
    if (!selected) return;
    const view = await api('/cases/' + encodeURIComponent(selected));
    current = view.case;
    const mine = current.state === 'agent' && current.agentId === me.name;
    $('customer').textContent = current.customer.userId;
    $('reason').textContent = current.reason;
    $('state').textContent = kinds[current.state] + (current.agentId ? ` · ${current.agentId}` : '');
    $('window').textContent = view.window.open
      ? `· 微信窗口 ${new Date(view.window.closesAt).toLocaleString()} 关闭，还可发 ${view.window.repliesLeft} 条 / ${view.window.repliesLeft} replies left`
      : '· 微信 48 小时窗口已关闭，无法发送 / WeChat window closed';
    $('claim').disabled = current.state !== 'queued';
    for (const id of ['handback', 'resolve', 'transfer', 'transfer-to', 'reply', 'photo']) $(id).disabled = !mine;
    $('note').disabled = current.state === 'closed';
    $('transcript').replaceChildren(...current.entries.map(entry => {
      const li = document.createElement('li');
      li.className = entry.kind;
      li.append(text('span', `${entry.author || ({ customer: '客户', bot: '机器人', system: '' })[entry.kind] || ''} ${new Date(entry.at).toLocaleTimeString()}${entry.kind === 'note' ? ' · 内部备注 internal' : ''}`, 'meta'));
      li.append(document.createTextNode(entry.text));
      if (entry.photoId) li.append(media(entry));
      return li;
    }));
    $('transcript').scrollTop = $('transcript').scrollHeight;
    $('orders').replaceChildren(...view.orders.map(o => text('li',
      `${o.orderId} · ${o.status}${o.shipment ? ` · ${o.shipment.carrier} ${o.shipment.trackingNumber} (${o.shipment.status})` : ''} · ${o.items.map(i => i.name).join('、')}`)));
    $('returns').replaceChildren(...view.returns.map(r => text('li', `${r.rmaId} · ${r.sku} · ${r.status}`)));
  }

  // A photo shows in place, a video and a Speex voice note play; an AMR voice note (browsers cannot play
  // it) is offered as a download.
  function media(entry) {
    const src = `/agent/api/cases/${encodeURIComponent(current.caseId)}/photos/${encodeURIComponent(entry.photoId)}`;
    const type = entry.mediaType || 'image/';
    if (type.startsWith('video/') || type === 'audio/ogg') {
      const player = document.createElement(type.startsWith('video/') ? 'video' : 'audio');
      player.controls = true;
      player.src = src;
      return player;
    }
    if (type.startsWith('audio/')) {
      const link = text('a', '下载语音（AMR）/ Download the voice note (AMR)');
      link.href = src;
      link.download = entry.photoId + '.amr';
      return link;
    }
    const img = document.createElement('img');
    img.alt = entry.kind === 'agent' ? '发给客户的照片 / photo sent' : '客户照片 / customer photo';
    img.src = src;
    return img;
  }

  // Posts an action; on success `done` runs at once (before the reloads), then the case and queue reload.
  async function act(path, body, done) {
    showError('');
    try {
      await api(`/cases/${encodeURIComponent(selected)}/${path}`, { method: 'POST', body: body ? JSON.stringify(body) : undefined });
    } catch (error) {
      showError(error.message);
      return;
    }
    if (done) done();
    await Promise.all([loadCase(), loadQueue()]);
  }

  async function send(path) {
    const value = $('text').value.trim();
    if (!value) return;
    // Cleared only if it still holds what was sent: the agent may already be typing the next one.
    await act(path, { text: value }, () => { if ($('text').value.trim() === value) $('text').value = ''; });
  }

  async function start() {
    me = await api('/me');
    $('who').textContent = `${me.displayName || me.name} (${me.role})`;
    $('supervisor-link').hidden = me.role !== 'supervisor';
    $('logout-token').value = me.token;
    $('canned').append(...me.canned.map(c => { const o = text('option', c); o.value = c; return o; }));
    $('transfer-to').append(...me.agents.filter(a => a !== me.name).map(a => { const o = text('option', a); o.value = a; return o; }));
    $('canned').addEventListener('change', () => { if ($('canned').value) { $('text').value = $('canned').value; $('canned').value = ''; $('text').focus(); } });
    $('claim').addEventListener('click', () => act('claim'));
    $('handback').addEventListener('click', () => act('handback'));
    $('resolve').addEventListener('click', () => act('resolve'));
    $('transfer').addEventListener('click', () => act('transfer', { to: $('transfer-to').value }));
    $('reply').addEventListener('click', () => send('reply'));
    $('note').addEventListener('click', () => send('note'));
    // A photo for the customer goes as Base64, like the web chat's; the server checks it is an image.
    $('photo').addEventListener('change', () => {
      const file = $('photo').files[0];
      if (!file) return;
      const reader = new FileReader();
      reader.onload = () => act('photo', { image: reader.result }, () => { $('photo').value = ''; });
      reader.readAsDataURL(file);
    });
    $('back').addEventListener('click', () => { $('case').hidden = true; document.querySelector('.queue').classList.remove('hidden-on-phone'); });
    await loadQueue();

    const hub = new signalR.HubConnectionBuilder()
      // WebSockets straight away, no negotiate request: behind a load balancer the connection then
      // needs no sticky session (a negotiate on one instance and a connect on another would fail).
      .withUrl('/agent/hub', { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
      .withAutomaticReconnect().build();
    hub.on('caseChanged', async change => {
      await loadQueue();
      if (change.caseId === selected) await loadCase();
    });
    hub.onreconnecting(() => $('live').className = 'live off');
    hub.onreconnected(async () => { $('live').className = 'live on'; await loadQueue(); await loadCase(); });
    await hub.start();
    $('live').className = 'live on';
    document.body.dataset.live = 'true';
  }

  start().catch(error => showError(error.message));
})();
