// The volunteers' phone remote. Served by the kiosk itself (no internet needed); its words
// come in the kiosk's language in the page's "words" block. Pairing: a code typed or carried
// in the QR code's #pair=…; the session is an httpOnly cookie this script never sees. Live
// state over a WebSocket; actions are plain POSTs. Nothing here is secret.
"use strict";

(() => {
  const W = JSON.parse(document.getElementById("words").textContent || "{}");
  const PAGE_LANGUAGE = document.documentElement.lang;
  const $ = (id) => document.getElementById(id);
  const GROUP_ORDER = ["scene", "slides", "awards", "timing", "sound", "other"];
  const SCENE_BUTTONS = ["live", "slides", "awards", "countdown"];
  const HEALTH_CLASS = { playing: "", starting: "warn", stalled: "bad", reconnecting: "warn",
                         offline: "bad" };

  let state = null;
  let receivedAt = 0;
  let socket = null;
  let revoked = false;
  let retryMs = 1000;
  let retryTimer = 0;
  let thumbnailShown = -1;
  let buttonsFor = "";
  let arming = 0;

  function word(key, fields) {
    let text = W[key] || "";
    for (const name in fields || {}) text = text.split("{" + name + "}").join(String(fields[name]));
    return text;
  }

  function say(text, bad) {
    const line = $("line");
    line.textContent = text || "";
    line.classList.toggle("bad", Boolean(bad));
  }

  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const two = (n) => String(n).padStart(2, "0");
    return h > 0 ? h + ":" + two(m) + ":" + two(r) : two(m) + ":" + two(r);
  }

  // ------------------------------------------------------------------ talking to the kiosk

  async function post(path, body) {
    try {
      const answer = await fetch(path, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
      });
      if (answer.status === 401) { showPairing(word("revoked")); return null; }
      if (!answer.ok) { say(word("failed"), true); return null; }
      return await answer.json();
    } catch (error) {
      say(word("no_connection"), true);
      return null;
    }
  }

  async function look() {
    clearTimeout(retryTimer);
    let answer;
    try {
      answer = await fetch("/api/state", { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      say(word("no_connection"), true);
      retry();
      return;
    }
    if (answer.status === 401) { showPairing(""); return; }
    if (!answer.ok) { say(word("no_connection"), true); retry(); return; }
    showRemote();
    render(await answer.json());
    connect();
  }

  function retry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(look, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  }

  function connect() {
    if (socket && socket.readyState <= 1) return;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws");
    socket.onopen = () => { retryMs = 1000; say(""); };
    socket.onmessage = (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (message.type === "state") render(message.state);
      else if (message.type === "thumbnail") picture(message.version);
      else if (message.type === "revoked") { revoked = true; showPairing(word("revoked")); }
    };
    socket.onclose = () => {
      socket = null;
      if (revoked || $("remote").hidden) return;
      say(word("reconnecting"), true);
      retry();
    };
  }

  setInterval(() => {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "ping" }));
  }, 20000);

  // ------------------------------------------------------------------ pairing

  function showPairing(problem) {
    if (socket) { const s = socket; socket = null; s.onclose = null; s.close(); }
    state = null;
    buttonsFor = "";
    $("remote").hidden = true;
    $("pair").hidden = false;
    $("pair-problem").textContent = problem || "";
    $("title").textContent = word("page_title");
    say("");
  }

  function showRemote() {
    revoked = false;
    $("pair").hidden = true;
    $("remote").hidden = false;
  }

  async function pair(code) {
    const typed = String(code).replace(/\s+/g, "");
    const name = $("name").value.trim();
    try { localStorage.setItem("wpk-name", name); } catch (error) { /* private mode */ }
    $("pair-problem").textContent = word("pairing");
    $("pair-button").disabled = true;
    let answer;
    try {
      answer = await fetch("/api/pair", {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code: typed, name: name }),
      });
    } catch (error) {
      $("pair-problem").textContent = word("no_connection");
      return;
    } finally {
      $("pair-button").disabled = false;
    }
    if (answer.ok) { $("code").value = ""; $("pair-problem").textContent = ""; look(); return; }
    let body = {};
    try { body = await answer.json(); } catch (error) { /* not JSON */ }
    if (answer.status === 429) {
      $("pair-problem").textContent = word("pair_locked") + ". " +
        word("retry_after", { seconds: body.retry_after || 60 });
    } else if (answer.status === 403) {
      $("pair-problem").textContent = word("pair_wrong") + ". " +
        word("tries_left", { n: body.tries_left || 0 });
    } else {
      $("pair-problem").textContent = word("failed");
    }
  }

  $("pair-form").addEventListener("submit", (event) => {
    event.preventDefault();
    pair($("code").value);
  });

  $("forget").addEventListener("click", async () => {
    if (!confirm(word("forget_confirm"))) return;
    revoked = true;
    await post("/api/logout");
    showPairing("");
  });

  // ------------------------------------------------------------------ what the hall sees

  function picture(version) {
    if (version === thumbnailShown || !version) return;
    thumbnailShown = version;
    $("thumbnail").src = "/api/thumbnail?v=" + version;
  }

  $("thumbnail").addEventListener("load", () => { $("no-picture").hidden = true; });
  $("thumbnail").addEventListener("error", () => { $("no-picture").hidden = false; });

  function render(next) {
    if (next.language && next.language !== PAGE_LANGUAGE) {
      // The kiosk speaks another language now: the page's words come with the page.
      location.reload();
      return;
    }
    state = next;
    receivedAt = performance.now();
    const observe = state.kind === "observe";
    document.body.classList.toggle("observe", observe);
    $("title").textContent = state.title || word("page_title");
    document.title = (state.title ? state.title + " · " : "") + word("page_title");

    const mode = $("mode");
    mode.textContent = word("mode_" + state.mode);
    mode.className = "mode " + state.mode;
    $("scene").textContent = state.scene_label || "";
    const stream = $("stream");
    stream.textContent = state.stream && state.stream.text
      ? word("stream", { state: state.stream.text }) : "";
    stream.className = "stream " + (HEALTH_CLASS[state.stream && state.stream.health] || "");

    $("now").textContent = state.now
      ? state.now.title + " · " + word("until", { time: state.now.until }) : word("nothing");
    $("next").textContent = state.next
      ? state.next.title + " · " + word("at", { time: state.next.at }) : word("nothing");
    $("delay").textContent = state.delay_minutes > 0
      ? word("delay", { minutes: state.delay_minutes }) : word("on_time");
    $("volume").textContent = state.muted ? word("muted") : word("volume", { volume: state.volume });
    $("message-now").textContent = state.message
      ? word("message_now") + " " + state.message : word("message_none");

    $("watch-only").hidden = !observe;
    $("message").hidden = observe;
    buttons(observe ? [] : state.actions || []);
    mark();
    tick();
    picture(state.thumbnail);
  }

  // The seconds run down here between two states (the kiosk sends a state on each change).
  function tick() {
    if (!state) return;
    const gone = (performance.now() - receivedAt) / 1000;
    const box = $("countdown");
    if (state.countdown) {
      box.hidden = false;
      $("countdown-label").textContent = state.countdown.label || word("starts_in");
      $("countdown-time").textContent = clock(state.countdown.seconds - gone);
    } else if (state.now && typeof state.now.left_seconds === "number") {
      box.hidden = false;
      $("countdown-label").textContent = word("until", { time: state.now.until });
      $("countdown-time").textContent = clock(state.now.left_seconds - gone);
    } else {
      box.hidden = true;
    }
  }
  setInterval(tick, 500);

  // ------------------------------------------------------------------ the buttons

  function buttons(actions) {
    const key = actions.map((a) => a.name + "=" + a.label).join("|");
    if (key === buttonsFor) return;
    buttonsFor = key;
    const holder = $("groups");
    holder.textContent = "";
    for (const group of GROUP_ORDER) {
      const mine = actions.filter((a) => a.group === group);
      if (!mine.length) continue;
      const section = document.createElement("section");
      section.className = "group";
      const heading = document.createElement("h2");
      heading.textContent = word("group_" + group);
      const grid = document.createElement("div");
      grid.className = "grid";
      for (const action of mine) {
        const button = document.createElement("button");
        button.type = "button";
        button.dataset.action = action.name;
        button.dataset.label = action.label;
        button.title = action.hint || "";
        button.textContent = action.label;
        button.addEventListener("click", () => press(action.name));
        grid.appendChild(button);
      }
      section.append(heading, grid);
      holder.appendChild(section);
    }
  }

  function label(button, text, small) {
    button.textContent = text;
    if (small) {
      const note = document.createElement("small");
      note.textContent = small;
      button.appendChild(note);
    }
  }

  function mark() {
    for (const button of document.querySelectorAll("#groups button")) {
      const name = button.dataset.action;
      let on = false;
      if (name === "automatic") on = state.mode === "automatic";
      else if (name === "blackout") on = state.mode === "blackout";
      else if (SCENE_BUTTONS.includes(name)) on = state.mode === "manual" && state.scene === name;
      else if (name === "mute") on = state.muted;
      button.classList.toggle("on", on);
      if (name === "blackout" && !arming) {
        label(button, state.mode === "blackout" ? word("blackout_end") : button.dataset.label);
      } else if (name === "reveal") {
        label(button, button.dataset.label,
              state.reveal_left > 0 ? word("reveal_left", { n: state.reveal_left }) : "");
        button.disabled = !(state.reveal_left > 0);
      }
    }
  }

  function press(name) {
    if (name === "blackout" && state && state.mode !== "blackout" && !arming) {
      // A second tap within three seconds: no one blacks out the hall by a stray touch.
      const button = document.querySelector('#groups button[data-action="blackout"]');
      label(button, word("blackout_confirm"));
      button.classList.add("arming");
      arming = setTimeout(() => {
        arming = 0;
        button.classList.remove("arming");
        if (state) mark();
      }, 3000);
      return;
    }
    if (name === "blackout" && arming) {
      clearTimeout(arming);
      arming = 0;
      document.querySelector('#groups button[data-action="blackout"]').classList.remove("arming");
    }
    post("/api/actions/" + encodeURIComponent(name));
  }

  $("message-show").addEventListener("click", () => {
    const text = $("message-text").value.trim();
    if (text) post("/api/message", { text: text }).then((ok) => {
      if (ok) $("message-text").value = "";
    });
  });
  $("message-clear").addEventListener("click", () => post("/api/message", { text: "" }));

  // ------------------------------------------------------------------ start

  for (const element of document.querySelectorAll("[data-word]")) {
    element.textContent = word(element.dataset.word);
  }
  $("title").textContent = word("page_title");
  document.title = word("page_title");
  $("message-text").placeholder = word("message_placeholder");
  try { $("name").value = localStorage.getItem("wpk-name") || ""; } catch (error) { /* none */ }
  const carried = /[#&]pair=(\d{6})/.exec(location.hash);
  if (carried) {
    // The code came in the QR code: pair at once, and take it out of the address bar.
    history.replaceState(null, "", location.pathname);
    showPairing("");
    $("code").value = carried[1];
    pair(carried[1]);
  } else {
    look();
  }
})();
