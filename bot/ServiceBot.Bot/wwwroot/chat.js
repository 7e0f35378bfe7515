(() => {
  const log = document.getElementById('log');
  const form = document.getElementById('send');
  const input = document.getElementById('text');

  function show(kind, text, href) {
    const item = document.createElement('li');
    item.className = kind;
    if (href) {
      const link = document.createElement('a');
      link.href = href;
      link.textContent = text;
      link.rel = 'noopener';
      item.classList.add('card');
      item.appendChild(link);
    } else {
      item.textContent = text;
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function showReplies(replies) {
    for (const reply of replies || []) {
      if (String(reply.kind).toLowerCase() === 'news') {
        for (const card of reply.cards || []) show('bot', card.title + (card.description ? '\n' + card.description : ''), card.url);
      } else if (reply.photoId) {
        const item = document.createElement('li');
        item.className = 'bot';
        const video = String(reply.kind).toLowerCase() === 'video';
        const shown = document.createElement(video ? 'video' : 'img');
        if (video) shown.controls = true; else shown.alt = '图片 / picture';
        shown.src = 'api/webchat/photos/' + encodeURIComponent(reply.photoId);
        item.appendChild(shown);
        log.appendChild(item);
        log.scrollTop = log.scrollHeight;
      } else if (reply.text) {
        show('bot', reply.text);
      }
    }
  }

  async function post(body) {
    const response = await fetch('api/webchat/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: crypto.randomUUID().replaceAll('-', ''), ...body })
    });
    if (!response.ok) {
      show('bot', '发送失败，请稍后再试。/ Could not send, please try again.');
      return;
    }
    showReplies((await response.json()).replies);
  }

  async function poll() {
    try {
      const response = await fetch('api/webchat/messages');
      if (response.ok) showReplies((await response.json()).replies);
    } catch { /* offline for a moment: the next poll collects what waits */ }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    show('user', text);
    post({ text });
  });

  const photo = document.getElementById('photo');
  photo.addEventListener('change', async () => {
    const file = photo.files[0];
    photo.value = '';
    if (!file) return;
    if (file.size > 5 * 1024 * 1024) {
      show('bot', '照片太大了，请发 5 MB 以内的照片。/ Please send a photo under 5 MB.');
      return;
    }
    const data = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
    show('user', '📷 ' + file.name);
    post({ image: data });
  });

  post({ event: 'subscribe' });
  setInterval(poll, 5000);
})();
