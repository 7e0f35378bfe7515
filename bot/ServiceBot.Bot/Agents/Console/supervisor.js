// The supervisor's board: /agent/api/stats drawn as figures and bars, refreshed on every case change.
(() => {
  const $ = id => document.getElementById(id);
  const minutes = s => s < 60 ? `${s}s` : `${Math.round(s / 60)}m`;

  function bars(target, counts, classOf) {
    const entries = Object.entries(counts);
    const max = Math.max(1, ...entries.map(([, n]) => n));
    $(target).replaceChildren(...(entries.length ? entries : [['—', 0]]).map(([label, n]) => {
      const row = document.createElement('div');
      row.className = 'bar ' + (classOf ? classOf(label) : '');
      const name = document.createElement('span'); name.textContent = label;
      const fill = document.createElement('div'); fill.className = 'fill'; fill.style.width = `${(n / max) * 100}%`;
      const count = document.createElement('span'); count.textContent = n;
      row.append(name, fill, count);
      return row;
    }));
  }

  async function load() {
    const response = await fetch('/agent/api/stats', { credentials: 'same-origin' });
    if (response.status === 401) { location.href = '/agent/login'; return; }
    const stats = await response.json();
    $('waiting').textContent = stats.waiting;
    $('with-agents').textContent = stats.withAgents;
    $('oldest').textContent = minutes(stats.oldestWaitSeconds);
    $('average').textContent = minutes(stats.averageWaitSeconds);
    bars('agents', stats.chatsPerAgent);
    bars('notices', stats.noticesLastWeek, label => label === 'Send' ? 'send' : label.startsWith('Defer') ? 'defer' : 'drop');
    $('callbacks').replaceChildren(...stats.callbacks.map(c => {
      const row = document.createElement('tr');
      for (const value of [c.customer, c.phone, new Date(c.at).toLocaleString()]) {
        const cell = document.createElement('td'); cell.textContent = value; row.append(cell);
      }
      return row;
    }));
    document.body.dataset.loaded = 'true';
  }

  const hub = new signalR.HubConnectionBuilder()
      // WebSockets straight away, no negotiate request: behind a load balancer the connection then
      // needs no sticky session (a negotiate on one instance and a connect on another would fail).
      .withUrl('/agent/hub', { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
      .withAutomaticReconnect().build();
  hub.on('caseChanged', load);
  hub.start().then(() => { $('live').className = 'live on'; }).catch(() => {});
  load();
})();
