/* A volunteer's day on the phone, offline included.
 *
 * The day's runs are kept in localStorage and shown from there when the network is gone.
 * Every mark becomes a change with an id made here; changes wait in a queue in
 * localStorage until the server has answered them, so a retry never applies twice. */
(function () {
  "use strict";

  var app = document.getElementById("app");
  var token = app.dataset.token;
  var dayUrl = app.dataset.dayUrl;
  var updatesUrl = app.dataset.updatesUrl;
  var DAY_KEY = "supply-match-day-" + token;
  var QUEUE_KEY = "supply-match-queue-" + token;
  var MARKS_KEY = "supply-match-marks-" + token;
  var UNDO_WINDOW_MS = 5 * 60 * 1000;
  /* The words the page writes come from the page, in the reader's language. */
  var TEXTS = JSON.parse(app.dataset.texts);
  var STATUS_TEXT = { pending: "", delivered: TEXTS.delivered, failed: TEXTS.failed };
  var day = null;
  var syncing = false;
  var LANG_KEY = "supply-match-lang";

  /* The language is remembered on the phone, not only in the session's cookie: a link
     opened later (from a text message, in another browser, offline from the saved copy)
     opens in the language chosen last. A ?lang= in the address is a choice: keep it. */
  function followChosenLanguage() {
    var asked = new URLSearchParams(window.location.search).get("lang");
    var chosen = null;
    try {
      if (asked) { window.localStorage.setItem(LANG_KEY, asked); }
      chosen = window.localStorage.getItem(LANG_KEY);
    } catch (error) {
      return false;
    }
    if (asked || !chosen || chosen === app.dataset.lang) { return false; }
    var url = new URL(window.location.href);
    url.searchParams.set("lang", chosen);
    window.location.replace(url.toString());
    return true;
  }
  if (followChosenLanguage()) { return; }

  /* TEXTS[name] with each {key} replaced by values[key]. */
  function say(name, values) {
    return TEXTS[name].replace(/\{(\w+)\}/g, function (whole, key) {
      return values && key in values ? String(values[key]) : whole;
    });
  }

  function load(key, fallback) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function save(key, value) {
    window.localStorage.setItem(key, JSON.stringify(value));
  }

  function newChangeId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return "c-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function queue() { return load(QUEUE_KEY, []); }

  function localMarks() { return load(MARKS_KEY, {}); }

  function showNotice(text) {
    var notice = document.getElementById("notice");
    notice.textContent = text;
    notice.hidden = !text;
  }

  function showConnection() {
    var line = document.getElementById("connection");
    line.textContent = navigator.onLine ? TEXTS.online : TEXTS.offline;
    var pending = document.getElementById("pending");
    var count = queue().length;
    pending.hidden = count === 0;
    pending.textContent = say("pending", { count: count });
  }

  /* The status a stop shows: the server's, unless a queued change of ours is newer. */
  function effectiveStatus(stop) {
    var mark = localMarks()[stop.id];
    if (mark && mark.queued) {
      return { status: mark.status, queued: true, reason: mark.reasonText || "" };
    }
    return { status: stop.status, queued: false, reason: stop.failure_reason || "" };
  }

  /* Baidu's web map cannot find the phone: where the page knows the phone's position (it
     is shared), directions start there rather than at the stop before. */
  function baiduFromHere(place) {
    var url = new URL("https://api.map.baidu.com/direction");
    url.searchParams.set("origin", "latlng:" + lastPosition.lat + "," + lastPosition.lon +
      "|name:" + TEXTS.nav_here);
    url.searchParams.set("destination", "latlng:" + place.lat + "," + place.lon + "|name:" +
      place.name);
    [["mode", "driving"], ["output", "html"], ["coord_type", "wgs84"],
     ["src", "webapp.supply_match.volunteer"]].forEach(function (pair) {
      url.searchParams.set(pair[0], pair[1]);
    });
    return url.toString();
  }

  function navigationLinks(container, navigation, place) {
    var links = [["amap", TEXTS.nav_amap], ["baidu", TEXTS.nav_baidu], ["geo", TEXTS.nav_geo]];
    container.textContent = "";
    links.forEach(function (pair) {
      var a = document.createElement("a");
      a.href = pair[0] === "baidu" && lastPosition ? baiduFromHere(place) : navigation[pair[0]];
      if (pair[0] === "baidu") {
        /* The position may have come since the stops were drawn: the link is made again
           as it is followed. */
        a.addEventListener("click", function () {
          if (lastPosition) { a.href = baiduFromHere(place); }
        });
      }
      a.textContent = pair[1];
      a.rel = "noopener";
      container.appendChild(a);
    });
  }

  function emptyLine(text) {
    var p = document.createElement("p");
    p.className = "empty";
    p.textContent = text;
    return p;
  }

  /* A refresh redraws every stop: a form the volunteer has open (a reason being chosen,
     money being typed) is kept open with what was entered, not closed under their thumb. */
  function checkable(field) { return field.type === "checkbox" || field.type === "radio"; }

  function fieldKey(field) { return checkable(field) ? field.name + "=" + field.value : field.name; }

  function openForms(root) {
    var open = [];
    root.querySelectorAll("li.stop").forEach(function (item) {
      item.querySelectorAll(".deliver-form, .fail-form").forEach(function (form) {
        if (form.hidden) { return; }
        var values = {};
        form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (field) {
          values[fieldKey(field)] = checkable(field) ? field.checked : field.value;
        });
        open.push({ stopId: item.dataset.stopId, form: form.className, values: values });
      });
    });
    return open;
  }

  function reopenForms(root, open) {
    open.forEach(function (kept) {
      var item = root.querySelector('li.stop[data-stop-id="' + kept.stopId + '"]');
      if (!item || item.querySelector('[data-action="failed"]').hidden) { return; }
      var form = item.querySelector("." + kept.form.split(" ")[0]);
      if (!form) { return; }
      form.hidden = false;
      form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (field) {
        var key = fieldKey(field);
        if (!(key in kept.values)) { return; }
        if (checkable(field)) { field.checked = kept.values[key]; } else { field.value = kept.values[key]; }
      });
    });
  }

  function render() {
    var root = document.getElementById("runs");
    var open = openForms(root);
    root.textContent = "";
    if (!day) {
      root.appendChild(emptyLine(TEXTS.no_day));
      return;
    }
    if (!day.runs.length) {
      root.appendChild(emptyLine(TEXTS.no_runs));
      return;
    }
    var runTemplate = document.getElementById("run-template");
    var stopTemplate = document.getElementById("stop-template");
    day.runs.forEach(function (run) {
      var section = runTemplate.content.firstElementChild.cloneNode(true);
      section.dataset.runId = run.id;
      var title = [run.date];
      if (run.trip > 1) { title.push(say("trip", { trip: run.trip })); }
      title.push(run.start + "–" + run.end, say("run_size", { stops: run.stops.length, km: run.distance_km }));
      if (run.cash_to_collect_fen) { title.push(say("cash_total", { amount: yuanText(run.cash_to_collect_fen) })); }
      section.querySelector(".run-title").textContent = title.join(TEXTS.separator);
      showChange(section.querySelector(".run-change"), run.notice);
      section.querySelector(".outlet-name").textContent = run.outlet.name;
      section.querySelector(".outlet-address").textContent = run.outlet.address;
      var loadList = section.querySelector(".load-list");
      run.load.forEach(function (line) {
        var li = document.createElement("li");
        li.textContent = line.product + " " + line.quantity + line.unit;
        loadList.appendChild(li);
      });
      navigationLinks(section.querySelector(".outlet-nav"), run.outlet.navigation, run.outlet);
      var list = section.querySelector(".stops");
      var nextMarked = false;
      run.stops.forEach(function (stop) {
        var item = stopTemplate.content.firstElementChild.cloneNode(true);
        var state = effectiveStatus(stop);
        item.dataset.stopId = stop.id;
        item.classList.add(state.status);
        if (state.status === "pending" && !nextMarked) {
          item.classList.add("next");
          nextMarked = true;
        }
        item.querySelector(".stop-number").textContent = stop.position;
        item.querySelector(".stop-name").textContent = stop.name;
        var statusLine = item.querySelector(".stop-status");
        statusLine.textContent = state.reason
          ? say("reason", { status: STATUS_TEXT[state.status], reason: state.reason })
          : STATUS_TEXT[state.status];
        statusLine.classList.add(state.status);
        showCorrection(item, stop);
        if (state.queued) {
          statusLine.classList.add("queued");
          statusLine.dataset.queued = TEXTS.queued;
        }
        item.querySelector(".stop-place").textContent =
          stop.collection_point ? stop.place + TEXTS.separator + stop.collection_point : stop.place;
        item.querySelector(".stop-arrival").textContent =
          say("arrival", { time: stop.arrival }) + TEXTS.separator + stop.weight_kg + " kg";
        var items = item.querySelector(".stop-items");
        stop.items.forEach(function (text) {
          var li = document.createElement("li");
          li.textContent = text;
          items.appendChild(li);
        });
        item.querySelector(".stop-money").textContent = moneyText(stop);
        if (stop.mobile) {
          var call = document.createElement("a");
          call.href = "tel:" + stop.mobile;
          call.textContent = say("call", { mobile: stop.mobile });
          item.querySelector(".stop-call").appendChild(call);
        }
        navigationLinks(item.querySelector(".stop-nav"), stop.navigation, stop);
        wireStop(item, run, stop, state);
        list.appendChild(item);
      });
      root.appendChild(section);
    });
    reopenForms(root, open);
    showLinkedStop();
  }

  /* A bag label's QR code opens this page at its stop (#stop-<id>): show that stop,
     once, without moving the page again at each refresh. */
  var linkedStopShown = false;
  function showLinkedStop() {
    var match = /^#stop-(\d+)$/.exec(window.location.hash);
    if (linkedStopShown || !match) { return; }
    var item = document.querySelector('.stop[data-stop-id="' + match[1] + '"]');
    if (!item) { return; }
    linkedStopShown = true;
    item.classList.add("linked");
    item.scrollIntoView({ block: "start" });
  }

  /* What the last change to the day added to or took from this run (day.json's notice). */
  function showChange(box, notice) {
    if (!box || !notice) { return; }
    var lines = [say("run_changed", { time: notice.at })];
    if (notice.added.length) { lines.push(say("run_added", { list: notice.added.join(TEXTS.list_separator) })); }
    if (notice.removed.length) { lines.push(say("run_removed", { list: notice.removed.join(TEXTS.list_separator) })); }
    lines.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
    box.dataset.version = notice.version;
    box.hidden = false;
  }

    function yuanText(fen) {
    var whole = Math.floor(fen / 100), cents = fen % 100;
    return whole + "." + (cents < 10 ? "0" : "") + cents;
  }

  /* Amounts travel as integer fen or as the yuan text typed; never as a float. */
  function fenOf(text) {
    var match = /^\s*(\d+)(?:\.(\d{1,2}))?\s*$/.exec(text);
    if (!match) { return null; }
    var cents = match[2] ? (match[2] + "0").slice(0, 2) : "00";
    return parseInt(match[1], 10) * 100 + parseInt(cents, 10);
  }

  function moneyText(stop) {
    if (stop.due_fen === null || stop.due_fen === undefined) {
      return stop.payment ? say("price_missing", { payment: stop.payment }) : "";
    }
    if (stop.due_fen === 0) { return say("nothing_due", { payment: stop.payment }); }
    return say("due", { amount: yuanText(stop.due_fen), payment: stop.payment });
  }

  function wireStop(item, run, stop, state) {
    var actions = item.querySelector(".actions");
    var deliverForm = item.querySelector(".deliver-form");
    var failForm = item.querySelector(".fail-form");
    var undo = item.querySelector(".undo");
    var select = failForm.querySelector("select");
    fillReasons(select);
    var done = state.status !== "pending";
    actions.querySelector('[data-action="delivered"]').hidden = done;
    actions.querySelector('[data-action="failed"]').hidden = done;
    var mark = localMarks()[stop.id];
    undo.hidden = !(done && mark && Date.now() - mark.at < UNDO_WINDOW_MS) ||
      correctedSince(stop, mark);

    actions.querySelector('[data-action="delivered"]').addEventListener("click", function () {
      deliverForm.hidden = false;
      failForm.hidden = true;
    });
    actions.querySelector('[data-action="failed"]').addEventListener("click", function () {
      failForm.hidden = false;
      deliverForm.hidden = true;
    });
    item.querySelectorAll(".cancel").forEach(function (button) {
      button.addEventListener("click", function () {
        deliverForm.hidden = true;
        failForm.hidden = true;
      });
    });
    var moneyFields = deliverForm.querySelector(".money-fields");
    var noMoney = stop.due_fen === 0;
    moneyFields.hidden = noMoney;
    if (stop.due_fen) { deliverForm.elements.received.value = yuanText(stop.due_fen); }
    deliverForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = {
        received_by: deliverForm.elements.received_by.value.trim(),
        note: deliverForm.elements.note.value.trim()
      };
      var typed = deliverForm.elements.received.value.trim();
      var priceMissing = stop.due_fen === null || stop.due_fen === undefined;
      /* With no price set, an amount is sent only when one was typed. */
      if (!noMoney && !(priceMissing && !typed)) {
        var received = fenOf(typed);
        if (received === null) {
          showNotice(TEXTS.amount_unreadable);
          return;
        }
        if (!priceMissing && received !== stop.due_fen && !fields.note) {
          showNotice(say("amount_differs", { amount: yuanText(stop.due_fen) }));
          return;
        }
        fields.received_fen = received;
        fields.paid_by = deliverForm.elements.paid_by.value;
      }
      record(run, stop, "delivered", fields);
    });
    failForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = { reason: select.value, note: failForm.elements.note.value.trim() };
      var problem = failureProblem(fields);
      if (problem) {
        showNotice(problem);
        return;
      }
      record(run, stop, "failed", fields);
    });
    undo.addEventListener("click", function () { record(run, stop, "undo", {}); });
  }

  /* The dispatcher's correction of a stop, under its status, as the last sync brought it. */
  function showCorrection(item, stop) {
    if (!stop.correction) { return; }
    var line = document.createElement("p");
    line.className = "stop-correction";
    line.textContent = say("corrected", { note: stop.correction.note }) +
      TEXTS.separator + stop.correction.at;
    item.querySelector(".stop-head").insertAdjacentElement("afterend", line);
  }

  /* A correction newer than the phone's own mark: the mark can no longer be undone here. */
  function correctedSince(stop, mark) {
    return Boolean(stop.correction && mark && stop.correction.at_ms >= mark.at);
  }

  /* The reasons to choose from, none chosen: a quick "confirm" must not record one. */
  function fillReasons(select) {
    var placeholder = document.createElement("option");
    placeholder.value = "";
    placeholder.textContent = TEXTS.choose_reason;
    placeholder.selected = true;
    select.appendChild(placeholder);
    Object.keys(day.failure_reasons).forEach(function (code) {
      var option = document.createElement("option");
      option.value = code;
      option.textContent = day.failure_reasons[code];
      select.appendChild(option);
    });
  }

  /* What the server would refuse, said before the change is queued. */
  function failureProblem(fields) {
    if (!fields.reason || !(fields.reason in day.failure_reasons)) { return TEXTS.reason_missing; }
    if ((day.note_required_reasons || []).indexOf(fields.reason) >= 0 && !fields.note) {
      return TEXTS.note_missing;
    }
    return "";
  }

  function record(run, stop, action, fields) {
    var change = {
      change_id: newChangeId(),
      stop_id: stop.id,
      action: action,
      plan_version: run.plan_version,
      happened_at: new Date().toISOString()
    };
    Object.keys(fields).forEach(function (key) { change[key] = fields[key]; });
    var pending = queue();
    pending.push(change);
    save(QUEUE_KEY, pending);
    var marks = localMarks();
    if (action === "undo") {
      marks[stop.id] = { status: "pending", queued: true, at: 0 };
    } else {
      marks[stop.id] = {
        status: action,
        queued: true,
        at: Date.now(),
        reasonText: action === "failed" ? day.failure_reasons[fields.reason] : ""
      };
    }
    save(MARKS_KEY, marks);
    render();
    showConnection();
    sync();
  }

  function sync() {
    var pending = queue();
    if (syncing || !pending.length || !navigator.onLine) {
      showConnection();
      return Promise.resolve();
    }
    syncing = true;
    return fetch(updatesUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(withPosition({ changes: pending })),
      credentials: "omit"
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (body) {
      var answered = {};
      var conflicts = [];
      body.results.forEach(function (result) {
        if (result.outcome === "retry") { return; }  /* stays queued, sent again later */
        answered[result.change_id] = true;
        if (result.outcome !== "applied") { conflicts.push(result.message); }
      });
      save(QUEUE_KEY, queue().filter(function (change) { return !answered[change.change_id]; }));
      var marks = localMarks();
      pending.forEach(function (change) {
        if (answered[change.change_id] && marks[change.stop_id]) { marks[change.stop_id].queued = false; }
      });
      save(MARKS_KEY, marks);
      showNotice(conflicts.length
        ? say("conflicts", { count: conflicts.length, list: conflicts.join(TEXTS.list_separator) })
        : "");
      return refresh();
    }).catch(function () {
      showConnection();
    }).then(function () {
      syncing = false;
      showConnection();
    });
  }

  function refresh() {
    return fetch(dayUrl, { credentials: "omit", cache: "no-store" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      day = data;
      save(DAY_KEY, data);
      render();
    }).catch(function () {
      if (!day) { render(); }
    }).then(showConnection);
  }

  /* Sharing the phone's position, with consent: a switch on the page, off until the
     volunteer turns it on, remembered by this phone (whichever link it opens). Positions
     go only while the page is open and online, with the marks or on their own once a
     minute; nothing is queued offline. */
  var SHARE_KEY = "supply-match-share-position";
  var POSITION_EVERY_MS = 60 * 1000;
  var lastPosition = null;
  var positionSentAt = 0;
  var watchId = null;

  function sharing() { return load(SHARE_KEY, false) === true; }

  function showSharing(text) {
    var line = document.getElementById("share-state");
    if (line) { line.textContent = text; }
  }

  function withPosition(body) {
    if (sharing() && lastPosition) {
      body.position = lastPosition;
      positionSentAt = Date.now();
    }
    return body;
  }

  function sendPosition() {
    if (!sharing() || !lastPosition || !navigator.onLine || syncing) { return; }
    if (Date.now() - positionSentAt < POSITION_EVERY_MS) { return; }
    fetch(updatesUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(withPosition({ changes: [] })),
      credentials: "omit"
    }).catch(function () { positionSentAt = 0; });
  }

  function startSharing() {
    if (!navigator.geolocation) {
      showSharing(TEXTS.sharing_unavailable);
      return;
    }
    if (watchId !== null) { return; }
    showSharing(TEXTS.sharing_on);
    watchId = navigator.geolocation.watchPosition(function (found) {
      lastPosition = {
        lat: found.coords.latitude,
        lon: found.coords.longitude,
        accuracy_m: Math.round(found.coords.accuracy || 0)
      };
      sendPosition();
    }, function () {
      showSharing(TEXTS.sharing_denied);
    }, { enableHighAccuracy: true, maximumAge: 30000, timeout: 60000 });
  }

  function stopSharing() {
    if (watchId !== null) { navigator.geolocation.clearWatch(watchId); }
    watchId = null;
    lastPosition = null;
    showSharing(TEXTS.sharing_off);
  }

  function setUpSharing() {
    var box = document.getElementById("share-position");
    if (!box) { return; }
    box.checked = sharing();
    box.addEventListener("change", function () {
      save(SHARE_KEY, box.checked);
      if (box.checked) { startSharing(); } else { stopSharing(); }
    });
    if (sharing()) { startSharing(); } else { showSharing(TEXTS.sharing_off); }
    window.setInterval(sendPosition, POSITION_EVERY_MS / 4);
  }

  setUpSharing();
  day = load(DAY_KEY, null);
  render();
  showConnection();
  window.addEventListener("online", function () { sync().then(refresh); });
  window.addEventListener("offline", showConnection);
  window.setInterval(function () { sync(); }, 15000);
  (queue().length ? sync() : refresh());

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(app.dataset.swUrl, { scope: "/v/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      /* This first visit happened before the worker was there: save what a reload
         without signal needs, now. The name must match the worker's cache. */
      var assets = [window.location.pathname, dayUrl];
      document.querySelectorAll('link[rel="stylesheet"], script[src]').forEach(function (node) {
        assets.push(node.getAttribute("href") || node.getAttribute("src"));
      });
      return caches.open(app.dataset.cacheName).then(function (cache) { return cache.addAll(assets); });
    }).catch(function () {
      /* Without a service worker (plain HTTP), the page still works while it stays open. */
    });
  }
}());
