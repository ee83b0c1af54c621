// 离线代办: the village agent's app that works with no signal.
//
// What the phone holds lives in IndexedDB, in a database named after the signed-in agent
// ("bianmin-proxy:<username>"): the agent's village cases, handovers, the township's items with their
// questions and material lists, and the duty days, all from the changes feed (/api/v1/proxy/changes,
// which only ever answers with the agent's own scope). What the agent does offline — a registration
// with its photos and finger-signed mandate, a handover, a delivery — goes into the outbox, each step
// with its own Idempotency-Key, and is sent in order when the signal comes back (or on 立即同步). A step
// cut off half-way is sent again with the same key, so the server applies it once. What the server
// refuses stays on the item as a failure, in Chinese, never dropped silently.
(function () {
  "use strict";

  var script = document.currentScript;
  var CONF = {
    sw: script.dataset.sw,
    scope: script.dataset.scope,
    feed: script.dataset.feed,
    login: script.dataset.login
  };
  var USER_KEY = "bianmin.proxy.user";
  var DB_PREFIX = "bianmin-proxy:";
  // Photos waiting on the phone; a phone short of space may be given less (localStorage, in bytes).
  var PHOTO_BUDGET = (function () {
    var set = 0;
    try { set = parseInt(localStorage.getItem("bianmin.proxy.photoBudget") || "0", 10); } catch (e) { /* off */ }
    return set > 0 ? set : 60 * 1024 * 1024;
  })();
  var PHOTO_WARN = 0.8;
  var MAX_RAW = 25 * 1024 * 1024; // a picture bigger than this is refused before it is read
  var MAX_PHOTO = 5 * 1024 * 1024; // what the server takes (after shrinking on the phone)
  var MAX_SIDE = 1600;
  var PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"];
  var KIND_LABELS = { register: "代办登记", handover: "交接单", delivery: "送达签收", mandate: "代办委托书" };
  var STATE_LABELS = { pending: "待发送", sent: "已发送", failed: "失败" };
  var BUCKETS = [
    ["to_hand_over", "待交接"], ["at_township", "在镇里"], ["to_bring_back", "待带回"],
    ["delivered", "已送达"], ["closed", "已结束"]
  ];

  var root = document.getElementById("app");
  var db = null;
  var user = null;
  var syncing = false;
  var lastProblem = "";

  // --- small helpers ----------------------------------------------------------------------------------

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") el.textContent = value;
      else if (name.slice(0, 2) === "on") el.addEventListener(name.slice(2), value);
      else if (value === true) el.setAttribute(name, "");
      else el.setAttribute(name, value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }
  function pad2(n) { return (n < 10 ? "0" : "") + n; }
  function when(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    if (isNaN(d)) return "";
    return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + pad2(d.getHours()) + ":" + pad2(d.getMinutes());
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function kb(bytes) { return Math.round(bytes / 1024) + " KB"; }
  function mb(bytes) { return (bytes / 1024 / 1024).toFixed(1) + " MB"; }

  // GB 11643: the 18th character checks the first 17.
  function idNumberError(value) {
    var v = (value || "").trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(v)) return "身份证号应为18位";
    var weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += Number(v[i]) * weights[i];
    return "10X98765432"[sum % 11] === v[17] ? "" : "身份证号校验位不正确";
  }

  // --- IndexedDB, one database per agent --------------------------------------------------------------

  function openDb(username) {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_PREFIX + username, 1);
      request.onupgradeneeded = function () {
        var d = request.result;
        d.createObjectStore("meta", { keyPath: "name" });
        d.createObjectStore("cases", { keyPath: "number" });
        d.createObjectStore("handovers", { keyPath: "id" });
        d.createObjectStore("items", { keyPath: "code" });
        d.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        d.createObjectStore("photos", { keyPath: "id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(name, mode, work) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(name, mode || "readonly");
      var result;
      Promise.resolve(work(tx.objectStore(name))).then(function (r) { result = r; });
      tx.oncomplete = function () { resolve(result); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error || new Error("存储失败")); };
    });
  }
  function req(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function all(name) { return store(name, "readonly", function (s) { return req(s.getAll()); }); }
  function get(name, key) { return store(name, "readonly", function (s) { return req(s.get(key)); }); }
  function put(name, value) { return store(name, "readwrite", function (s) { return req(s.put(value)); }); }
  function del(name, key) { return store(name, "readwrite", function (s) { return req(s.delete(key)); }); }
  function meta(name) { return get("meta", name).then(function (row) { return row ? row.value : null; }); }
  function setMeta(name, value) { return put("meta", { name: name, value: value }); }

  function useUser(username) {
    if (user === username && db) return Promise.resolve();
    if (db) db.close();
    user = username;
    try { localStorage.setItem(USER_KEY, username); } catch (e) { /* private mode */ }
    return openDb(username).then(function (d) { db = d; });
  }

  // Another agent signed in on this phone: their database is theirs; the previous agent's is removed
  // unless it still holds something unsent (that would be lost), which waits for its owner.
  function forgetOthers(username) {
    if (!indexedDB.databases) return Promise.resolve();
    return indexedDB.databases().then(function (list) {
      return Promise.all(list.filter(function (info) {
        return info.name && info.name.indexOf(DB_PREFIX) === 0 && info.name !== DB_PREFIX + username;
      }).map(function (info) {
        return new Promise(function (resolve) {
          var r = indexedDB.open(info.name);
          r.onsuccess = function () {
            var other = r.result, unsent = 0;
            if (!other.objectStoreNames.contains("outbox")) { other.close(); resolve(); return; }
            var t = other.transaction("outbox").objectStore("outbox").getAll();
            t.onsuccess = function () {
              unsent = t.result.filter(function (i) { return i.state !== "sent"; }).length;
              other.close();
              if (!unsent) indexedDB.deleteDatabase(info.name);
              resolve();
            };
            t.onerror = function () { other.close(); resolve(); };
          };
          r.onerror = function () { resolve(); };
        });
      }));
    });
  }

  // --- the network ------------------------------------------------------------------------------------

  function Problem(message, retry) { this.message = message; this.retry = !!retry; }

  function explain(body, status) {
    var error = (body && body.error) || {};
    var known = {
      idempotency_key_reused: "这条记录与此前提交的内容不一致（可能被改动过），服务器拒绝办理。",
      stale_version: "办件在镇里已有新的变化（您看到的版本已过期），请同步后核对再办理。"
    };
    var text = known[error.code] || error.message || ("服务器拒绝（" + status + "）");
    var fields = error.fields || {};
    var details = Object.keys(fields).map(function (k) { return fields[k]; }).filter(Boolean);
    if (details.length && !known[error.code]) text += "（" + details.join("；") + "）";
    return text;
  }

  function send(method, url, body, key) {
    var headers = { "X-CSRFToken": csrf() };
    if (key) headers["Idempotency-Key"] = key;
    var payload = body;
    if (body && !(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    return fetch(url, { method: method, headers: headers, body: payload, credentials: "same-origin" })
      .catch(function () { throw new Problem("网络中断，有信号后会自动重发（不会重复办理）", true); })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (json) {
          if (response.ok) return json;
          if (response.status === 401 || (response.status === 403 && !(json && json.error && json.error.code !== "forbidden"))) {
            throw new Problem("登录已过期或未登录：请在有信号时重新登录，再点“立即同步”", true);
          }
          if (response.status >= 500 || response.status === 429) {
            throw new Problem("服务器暂时无法处理，稍后会自动重发", true);
          }
          throw new Problem(explain(json, response.status), false);
        });
      });
  }

  // --- sync: pull the feed, send the outbox, pull again -------------------------------------------------

  function pull() {
    var since = db ? meta("cursor") : Promise.resolve(null);
    return since.then(function (cursor) {
      var url = CONF.feed + (cursor ? "?since=" + encodeURIComponent(cursor) : "");
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        throw new Problem(response.status === 401 ? "未登录：请先登录再同步" : "只有村级代办员使用离线代办", true);
      }
      if (!response.ok) throw new Problem("同步失败（" + response.status + "），稍后重试", true);
      return response.json();
    }, function () { throw new Problem("没有信号：显示的是本机保存的内容", true); })
      .then(function (feed) {
        var username = feed.agent.username;
        var switched = user !== username;
        return useUser(username).then(function () {
          return switched ? forgetOthers(username) : null;
        }).then(function () {
          return switched ? meta("cursor") : "same";
        }).then(function (cursor) {
          // A phone that never synced for this agent asked with someone else's cursor: ask again in full.
          if (switched && cursor === null && !feed.full) { return setMeta("cursor", null).then(pull); }
          return apply(feed);
        });
      });
  }

  function apply(feed) {
    var stores = ["cases", "handovers", "items", "meta"];
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(stores, "readwrite");
      var cases = tx.objectStore("cases"), handovers = tx.objectStore("handovers");
      var items = tx.objectStore("items"), m = tx.objectStore("meta");
      if (feed.full) { cases.clear(); handovers.clear(); items.clear(); }
      feed.cases.forEach(function (c) { cases.put(c); });
      feed.handovers.forEach(function (x) { handovers.put(x); });
      feed.items.forEach(function (i) { items.put(i); });
      var offered = {};
      feed.item_codes.forEach(function (code) { offered[code] = true; });
      items.getAllKeys().onsuccess = function (e) {
        e.target.result.forEach(function (code) { if (!offered[code]) items.delete(code); });
      };
      m.put({ name: "cursor", value: feed.cursor });
      m.put({ name: "synced_at", value: feed.synced_at });
      m.put({ name: "agent", value: feed.agent });
      m.put({ name: "duty_days", value: feed.duty_days });
      tx.oncomplete = resolve;
      tx.onerror = function () { reject(tx.error); };
    });
  }

  function outbox() {
    return all("outbox").then(function (list) { return list.sort(function (a, b) { return a.seq - b.seq; }); });
  }

  function numberOf(ref, list) {
    if (ref.number) return ref.number;
    var source = list.filter(function (i) { return i.key === ref.local; })[0];
    if (!source) throw new Problem("其中一件登记已不在本机", false);
    if (source.state === "failed") throw new Problem("其中的登记“" + source.title + "”未能提交，请先处理它", false);
    if (!source.number) throw new Problem("其中的登记尚未提交，稍后重发", true);
    return source.number;
  }

  function sendItem(item, list) {
    var save = function () { return put("outbox", item); };
    if (item.kind === "register") {
      var chain = Promise.resolve();
      if (!item.number) {
        chain = send("POST", "/api/v1/cases", item.application, item.key).then(function (r) {
          item.number = r.number;
          item.query_code = r.query_code;
          return save();
        });
      }
      item.photos.forEach(function (photo, i) {
        chain = chain.then(function () {
          if (photo.sent) return null;
          return get("photos", photo.id).then(function (row) {
            if (!row) throw new Problem("照片已不在本机", false);
            var form = new FormData();
            form.append("file", row.blob, "photo-" + (i + 1) + ".jpg");
            if (photo.material) form.append("material", photo.material);
            return send("POST", "/api/v1/proxy/cases/" + encodeURIComponent(item.number) + "/photos", form,
              item.key + ":photo:" + i);
          }).then(function () { photo.sent = true; return save(); });
        });
      });
      return chain.then(function () {
        if (item.mandate_done) return null;
        return send("POST", "/api/v1/proxy/cases/" + encodeURIComponent(item.number) + "/mandate", item.mandate,
          item.key + ":mandate").then(function () { item.mandate_done = true; return save(); });
      }).then(function () {
        return Promise.all(item.photos.map(function (p) { return del("photos", p.id); }));
      });
    }
    if (item.kind === "handover") {
      var numbers = item.cases.map(function (ref) { return numberOf(ref, list); });
      return send("POST", "/api/v1/handovers", { direction: "up", cases: numbers, signature: item.signature }, item.key)
        .then(function (r) { item.handover_id = r.id; item.numbers = numbers; });
    }
    var url = "/api/v1/proxy/cases/" + encodeURIComponent(item.number) + "/" + item.kind;
    return send("POST", url, item.body, item.key);
  }

  // A registration filled in against an item version the township has since replaced: say so.
  function superseded(item) {
    if (item.kind !== "register" || !item.item_version) return Promise.resolve("");
    return get("items", item.application.item).then(function (now) {
      if (!now || now.version === item.item_version) return "";
      return "事项已更新（第" + item.item_version + "版→第" + now.version + "版），请按新版修改后重新提交：";
    });
  }

  function runOutbox() {
    return outbox().then(function (list) {
      var sent = 0;
      return list.reduce(function (chain, item) {
        return chain.then(function (stop) {
          if (stop || item.state !== "pending") return stop;
          return sendItem(item, list).then(function () {
            item.state = "sent";
            item.sent_at = new Date().toISOString();
            item.note = "";
            sent += 1;
            return put("outbox", item).then(function () { return false; });
          }, function (problem) {
            if (!(problem instanceof Problem)) problem = new Problem(String(problem && problem.message || problem), true);
            item.note = problem.message;
            if (!problem.retry) item.state = "failed";
            // A step that may succeed later stops the run: what follows may depend on it (in order).
            return superseded(item).then(function (why) {
              if (why && !problem.retry) item.note = why + problem.message;
              return put("outbox", item);
            }).then(function () { return problem.retry; });
          });
        });
      }, Promise.resolve(false)).then(function () { return sent; });
    });
  }

  function sync() {
    if (syncing) return Promise.resolve();
    syncing = true;
    lastProblem = "";
    showNet();
    return pull().then(function () {
      return runOutbox();
    }).then(function (sent) {
      return sent ? pull() : null;
    }).catch(function (problem) {
      lastProblem = problem && problem.message ? problem.message : "同步失败";
    }).then(function () {
      syncing = false;
      document.documentElement.dataset.synced = String(Date.now());
      return render();
    });
  }

  // --- the bar on top: signal, last sync --------------------------------------------------------------

  function showNet() {
    var net = document.querySelector("[data-net]");
    if (net) {
      net.textContent = syncing ? "同步中…" : (navigator.onLine ? "有信号" : "无信号（离线）");
      net.className = "pwa-net " + (navigator.onLine ? "on" : "off");
    }
  }
  function showSyncTime() {
    var box = document.querySelector("[data-sync-time]");
    if (!box || !db) return Promise.resolve();
    return meta("synced_at").then(function (at) {
      box.textContent = at ? "上次同步：" + when(at) : "尚未同步";
    });
  }

  // --- pages ------------------------------------------------------------------------------------------

  // With no signal, the service worker answers any agent page with this app: open what that page was.
  var PAGES = [
    [/^\/proxy\/cases\/([^/]+)\/(?:deliver\/|mandate\/)?$/, "case"],
    [/^\/proxy\/new\/$/, "new"],
    [/^\/proxy\/handovers\/new\/$/, "handover"]
  ];
  function route() {
    if (!location.hash || location.hash === "#") {
      for (var i = 0; i < PAGES.length; i++) {
        var m = location.pathname.match(PAGES[i][0]);
        if (m) return { name: PAGES[i][1], arg: decodeURIComponent(m[1] || "") };
      }
    }
    var parts = (location.hash || "#/").slice(2).split("/");
    return { name: parts[0] || "home", arg: decodeURIComponent(parts[1] || ""), arg2: decodeURIComponent(parts[2] || "") };
  }

  function render() {
    showNet();
    if (!db) {
      root.replaceChildren(h("section", { class: "card" }, [
        h("h1", { text: "离线代办" }),
        lastProblem ? h("p", { class: "form-error", role: "alert", text: lastProblem }) : null,
        h("p", { text: "这台手机还没有保存代办数据。请在有信号时登录，再打开本页同步一次；之后没有信号也能使用。" }),
        h("p", {}, [h("a", { class: "button primary", href: CONF.login, text: "登录" })])
      ]));
      return Promise.resolve();
    }
    var r = route();
    var page = { home: home, case: casePage, new: newPage, handover: handoverPage, outbox: outboxPage }[r.name] || home;
    return Promise.all([page(r.arg, r.arg2), showSyncTime()]).then(function (out) {
      var nodes = [].concat(out[0]);
      if (lastProblem) nodes.unshift(h("p", { class: "pwa-problem", role: "status", text: lastProblem }));
      root.replaceChildren.apply(root, nodes);
      if (!window.__shellReady) {
        window.__shellReady = true;
        if (window.performance && performance.mark) performance.mark("proxy-app-ready");
      }
    });
  }

  function counts(list) {
    var c = { pending: 0, sent: 0, failed: 0 };
    list.forEach(function (i) { c[i.state] = (c[i.state] || 0) + 1; });
    return c;
  }

  function nav(list) {
    var c = counts(list);
    return h("div", { class: "px-actions" }, [
      h("a", { class: "button primary", href: "#/new", text: "登记代办" }),
      h("a", { class: "button", href: "#/handover", text: "交镇中心" }),
      h("a", { class: "button", href: "#/outbox", "data-outbox-count": String(c.pending) },
        ["发件箱 ", h("b", { text: String(c.pending) }), " 待发" + (c.failed ? "，" + c.failed + " 失败" : "")])
    ]);
  }

  function caseRow(c) {
    return h("li", {}, [
      h("div", { class: "top" }, [
        h("a", { href: "#/case/" + encodeURIComponent(c.number), text: c.applicant + " · " + c.item.name }),
        h("span", { class: "px-where", text: c.state_label })
      ]),
      h("div", { class: "sub", text: c.number + " · " + c.location + "（" + c.holder + "）" + (c.mandate ? "" : " · 未签委托书") })
    ]);
  }

  function home() {
    return Promise.all([all("cases"), all("handovers"), outbox(), meta("agent"), meta("duty_days"), photoUse()])
      .then(function (r) {
        var cases = r[0].sort(function (a, b) { return (b.received_at || "").localeCompare(a.received_at || ""); });
        var handovers = r[1].sort(function (a, b) { return b.id - a.id; });
        var list = r[2], agent = r[3] || {}, duty = r[4] || [], used = r[5];
        var out = [
          h("div", { class: "px-head" }, [
            h("h1", { text: ((agent.village && agent.village.name) || "") + "代办" }),
            h("span", { class: "muted", text: (agent.station || "") + (agent.name ? " · " + agent.name : "") })
          ]),
          nav(list)
        ];
        var local = list.filter(function (i) { return i.kind === "register" && i.state !== "sent"; });
        if (local.length) {
          out.push(h("section", { class: "px-bucket", id: "local" }, [
            h("h2", {}, ["本机登记 ", h("span", { class: "muted", text: "保存在本机、尚未提交到镇中心" })]),
            h("ul", { class: "px-list" }, local.map(function (i) {
              return h("li", {}, [
                h("div", { class: "top" }, [h("span", { text: i.title }), h("span", { class: "px-where " + i.state, text: STATE_LABELS[i.state] })]),
                h("div", { class: "sub", text: "照片 " + i.photos.length + " 张 · 委托书已签 · " + when(i.created_at) })
              ]);
            }))
          ]));
        }
        BUCKETS.forEach(function (b) {
          var rows = cases.filter(function (c) { return c.bucket === b[0]; });
          if (b[0] === "closed" && !rows.length) return;
          out.push(h("section", { class: "px-bucket", id: b[0] }, [
            h("h2", { text: b[1] + "（" + rows.length + "）" }),
            rows.length ? h("ul", { class: "px-list" }, rows.slice(0, 50).map(caseRow)) : h("p", { class: "muted", text: "暂无。" })
          ]));
        });
        out.push(h("section", { class: "card", id: "handovers" }, [
          h("h2", { text: "交接单" }),
          handovers.length ? h("ul", { class: "px-list" }, handovers.slice(0, 20).map(function (x) {
            return h("li", {}, [
              h("div", { class: "top" }, [h("span", { text: "交接单 No." + x.id + " · " + x.direction_label }), h("span", { class: "px-where", text: x.state_label })]),
              h("div", { class: "sub", text: when(x.created_at) + " · " + x.cases.map(function (e) {
                return e.applicant + "（" + e.state_label + (e.note ? "：" + e.note : "") + "）";
              }).join("、") })
            ]);
          })) : h("p", { class: "muted", text: "暂无。" })
        ]));
        out.push(h("section", { class: "card", id: "duty" }, [
          h("h2", { text: "值班安排" }),
          duty.length ? h("ul", { class: "px-duty" }, duty.map(function (d) {
            return h("li", { class: d.weekday === (new Date().getDay() + 6) % 7 ? "today" : null }, [
              h("strong", { text: d.weekday_label }), " " + d.hours, h("br"), h("span", { class: "muted", text: d.place })
            ]);
          })) : h("p", { class: "muted", text: "暂无值班安排。" })
        ]));
        out.push(storageNote(used));
        return out;
      });
  }

  function casePage(number) {
    return Promise.all([get("cases", number), outbox()]).then(function (r) {
      var c = r[0], list = r[1];
      if (!c) return [h("p", { text: "本机没有这件办件。" }), h("a", { href: "#/", text: "‹ 返回" })];
      var queued = list.filter(function (i) { return i.number === number && i.state !== "sent" && i.kind !== "register"; });
      var out = [
        h("p", {}, [h("a", { href: "#/", text: "‹ 村级代办" })]),
        h("div", { class: "px-head" }, [h("h1", { text: c.applicant + " · " + c.item.name }), h("span", { class: "px-where", text: c.state_label })]),
        h("section", { class: "card" }, [
          h("p", { text: "办件编号：" + c.number + "　查询码：" + c.query_code }),
          h("p", { text: "现在：" + c.location + "（" + c.holder + "）" }),
          c.deadline ? h("p", { text: "承诺办结日期：" + c.deadline }) : null,
          h("p", { text: "委托书：" + (c.mandate ? "已签" : "未签") + " · 照片 " + c.photos + " 张" })
        ])
      ];
      queued.forEach(function (i) {
        out.push(h("p", { class: "pwa-queued", text: KIND_LABELS[i.kind] + "已存入发件箱（" + STATE_LABELS[i.state] + "）" + (i.note ? "：" + i.note : "") }));
      });
      var finished = ["delivered", "refused", "withdrawn"].indexOf(c.state) >= 0;
      if (!queued.length && c.bucket === "to_bring_back" && c.mine) out.push(deliveryForm(c));
      else if (!queued.length && !c.mandate && !finished) out.push(mandateForm(c));
      out.push(h("section", { class: "card" }, [
        h("h2", { text: "办理经过" }),
        h("ol", { class: "px-timeline" }, c.events.slice().reverse().map(function (e) {
          return h("li", {}, [h("span", { class: "when", text: when(e.at) }), " " + e.label, e.note ? h("div", { class: "muted", text: e.note }) : null]);
        }))
      ]));
      return out;
    });
  }

  // --- signature pad (the villager's or the agent's finger) -------------------------------------------

  function signaturePad(label, preset) {
    var canvas = h("canvas", { "aria-label": label + "（用手指签名）" });
    var box = h("div", { class: "px-pad", "data-signature-pad": "app" }, [canvas, h("span", { class: "hint", text: "请在此处用手指签名" })]);
    var drawn = false, drawing = false, last = null, ctx = null;
    function fit() {
      var ratio = window.devicePixelRatio || 1, rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio) || 300;
      canvas.height = Math.round(rect.height * ratio) || 180;
      ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
      drawn = false;
    }
    function point(e) { var rect = canvas.getBoundingClientRect(); return { x: e.clientX - rect.left, y: e.clientY - rect.top }; }
    canvas.addEventListener("pointerdown", function (e) {
      if (!ctx) fit();
      drawing = true; last = point(e); canvas.setPointerCapture(e.pointerId); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e);
      ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
      last = p; drawn = true; e.preventDefault();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (n) { canvas.addEventListener(n, function () { drawing = false; }); });
    requestAnimationFrame(function () {
      fit();
      if (!preset) return;
      var img = new Image();
      img.onload = function () {
        var rect = canvas.getBoundingClientRect();
        ctx.drawImage(img, 0, 0, rect.width, rect.height);
        drawn = true;
      };
      img.src = preset;
    });
    var wrap = h("div", { class: "pwa-field" }, [
      h("label", { text: label }), box,
      h("p", {}, [h("button", { type: "button", onclick: fit, text: "重签" })])
    ]);
    wrap.value = function () { return drawn ? canvas.toDataURL("image/png") : ""; };
    return wrap;
  }

  function field(label, input, note) {
    return h("div", { class: "pwa-field" }, [h("label", {}, [label, input]), note ? h("p", { class: "muted small", text: note }) : null]);
  }
  function errorBox() { return h("p", { class: "form-error", role: "alert", hidden: true }); }
  function showErrors(box, errors) {
    box.hidden = !errors.length;
    box.textContent = errors.join("；");
    if (errors.length) box.scrollIntoView({ block: "center" });
  }

  function enqueue(item) {
    item.key = item.key || newKey();
    item.state = "pending";
    item.created_at = new Date().toISOString();
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
    return put("outbox", item).then(function () {
      location.hash = "#/outbox";
      if (navigator.onLine) sync();
    });
  }

  function mandateForm(c) {
    var name = h("input", { name: "villager_name", value: c.applicant });
    var idn = h("input", { name: "villager_id_number", autocomplete: "off" });
    var what = h("textarea", { name: "entrusted", rows: "2" }, ["代为办理“" + c.item.name + "”的申请、递交材料、领取并转交办理结果"]);
    var pad = signaturePad("委托人签名");
    var errors = errorBox();
    return h("section", { class: "card" }, [
      h("h2", { text: "签代办委托书（离线可签）" }), errors,
      field("委托人", name), field("委托人身份证号", idn), field("委托事项", what), pad,
      h("button", { type: "button", class: "primary wide", text: "签署并放入发件箱", onclick: function () {
        var problems = [], why = idNumberError(idn.value);
        if (!name.value.trim()) problems.push("请填写委托人");
        if (why) problems.push(why);
        if (!pad.value()) problems.push("请委托人签名");
        showErrors(errors, problems);
        if (problems.length) return;
        enqueue({ kind: "mandate", number: c.number, title: c.applicant + " · 委托书",
          body: { villager_name: name.value.trim(), villager_id_number: idn.value.trim().toUpperCase(), entrusted: what.value.trim(), method: "signature", signature: pad.value() } });
      } })
    ]);
  }

  function deliveryForm(c) {
    var receiver = h("input", { name: "receiver", value: c.applicant });
    var pad = signaturePad("签收人签名");
    var errors = errorBox();
    return h("section", { class: "card" }, [
      h("h2", { text: "送达并签收（离线可签）" }), errors, field("签收人", receiver), pad,
      h("button", { type: "button", class: "primary wide", text: "签收并放入发件箱", onclick: function () {
        var problems = [];
        if (!receiver.value.trim()) problems.push("请填写签收人");
        if (!pad.value()) problems.push("请签收人签名");
        showErrors(errors, problems);
        if (problems.length) return;
        // The version the agent saw: if the township changed the case meanwhile, the server says so.
        enqueue({ kind: "delivery", number: c.number, title: c.applicant + " · 送达",
          body: { receiver: receiver.value.trim(), signature: pad.value(), version: c.version } });
      } })
    ]);
  }

  // --- photos: checked and shrunk on the phone before they are stored -----------------------------------

  function photoUse() {
    return all("photos").then(function (rows) { return rows.reduce(function (s, r) { return s + (r.size || 0); }, 0); });
  }
  function storageNote(used) {
    var share = used / PHOTO_BUDGET;
    return h("p", { class: share >= PHOTO_WARN ? "form-error pwa-budget" : "muted small pwa-budget", "data-budget": String(Math.round(share * 100)),
      text: "本机待发照片 " + mb(used) + " / " + mb(PHOTO_BUDGET) + (share >= PHOTO_WARN ? "：空间快满了，请尽快到有信号处同步。" : "") });
  }

  function compress(file) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      var url = URL.createObjectURL(file);
      img.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(img.width * scale));
        canvas.height = Math.max(1, Math.round(img.height * scale));
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) { blob ? resolve(blob) : reject(new Error("照片压缩失败")); }, "image/jpeg", 0.8);
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("不是图片")); };
      img.src = url;
    });
  }

  function checkPhoto(file) {
    if (PHOTO_TYPES.indexOf(file.type) < 0) return Promise.reject(new Error("“" + file.name + "”不是照片（只收 JPEG、PNG 等图片）"));
    if (file.size > MAX_RAW) return Promise.reject(new Error("“" + file.name + "”太大（" + mb(file.size) + "），请换一张"));
    return compress(file).then(function (blob) {
      if (blob.size > MAX_PHOTO) throw new Error("“" + file.name + "”压缩后仍超过 5 MB，请重拍");
      return blob;
    }, function () { throw new Error("“" + file.name + "”不是能打开的图片"); });
  }

  // --- registration ------------------------------------------------------------------------------------

  function newPage(code, seq) {
    if (code) return Promise.all([all("items"), seq ? get("outbox", Number(seq)) : null]).then(function (r) {
      var item = r[0].filter(function (i) { return i.code === code; })[0];
      var prior = r[1] && r[1].kind === "register" && r[1].state === "failed" && !r[1].number ? r[1] : null;
      if (!item) return [h("p", { text: "本机没有这个事项，请同步后再试。" })];
      if (!prior) return registerForm(item, null, []);
      return Promise.all(prior.photos.map(function (p) { return get("photos", p.id); })).then(function (rows) {
        return registerForm(item, prior, rows.filter(Boolean).map(function (row) { return { blob: row.blob }; }));
      });
    });
    return all("items").then(function (items) {
      var q = h("input", { type: "search", placeholder: "输入事项名称筛选", "aria-label": "筛选事项" });
      var list = h("ul", { class: "px-list" });
      function fill() {
        var text = q.value.trim();
        list.replaceChildren.apply(list, items.filter(function (i) { return !text || i.name.indexOf(text) >= 0; })
          .sort(function (a, b) { return a.name.localeCompare(b.name, "zh"); })
          .map(function (i) {
            return h("li", {}, [h("a", { href: "#/new/" + encodeURIComponent(i.code), class: "pwa-item", text: i.name }),
              h("div", { class: "sub", text: (i.promised_limit_days ? "承诺 " + i.promised_limit_days + " 个工作日" : "即办") + " · 材料 " + i.materials.length + " 项" })]);
          }));
      }
      q.addEventListener("input", fill);
      fill();
      return [h("p", {}, [h("a", { href: "#/", text: "‹ 村级代办" })]), h("h1", { text: "代办登记：选择事项" }),
        items.length ? q : h("p", { class: "muted", text: "本机还没有事项清单，请在有信号时同步一次。" }), list];
    });
  }

  function answerInput(f) {
    var name = "answer-" + f.code;
    if (f.datatype === "choice") {
      return h("select", { name: name }, [h("option", { value: "", text: "请选择" })].concat(f.choices.map(function (c) { return h("option", { value: c, text: c }); })));
    }
    if (f.datatype === "multi_choice" || f.datatype === "multichoice" || f.datatype === "multi") {
      var box = h("span", { class: "pwa-multi" }, f.choices.map(function (c) {
        return h("label", { class: "px-check" }, [h("input", { type: "checkbox", name: name, value: c }), c]);
      }));
      box.multi = true;
      return box;
    }
    var type = { number: "number", date: "date" }[f.datatype] || "text";
    return h("input", { type: type, name: name });
  }

  // `prior`: a failed registration being corrected (its answers, photos and the villager's signature kept).
  function registerForm(item, prior, photos) {
    var errors = errorBox();
    var inputs = {
      name: h("input", { name: "name", autocomplete: "off" }),
      id_number: h("input", { name: "id_number", autocomplete: "off" }),
      phone: h("input", { name: "phone", type: "tel", autocomplete: "off" }),
      address: h("input", { name: "address", autocomplete: "off" })
    };
    var homeVisit = h("input", { type: "checkbox", name: "home_visit" });
    var answers = item.fields.map(function (f) { return { field: f, input: answerInput(f) }; });
    var materials = item.materials.map(function (m) {
      return { material: m, input: h("input", { type: "checkbox", name: "material", value: String(m.id) }) };
    });
    var photoInput = h("input", { type: "file", accept: "image/*", multiple: true, capture: "environment", "aria-label": "拍照或选择照片" });
    var photoList = h("ul", { class: "pwa-photos" });
    var photoNote = h("p", { class: "px-photo-status muted", role: "status" });
    var entrusted = h("textarea", { name: "entrusted", rows: "2" }, ["代为办理“" + item.name + "”的申请、递交材料、领取并转交办理结果"]);
    var pad = signaturePad("委托人签名", prior && prior.mandate.signature);
    if (prior) {
      var was = prior.application;
      Object.keys(inputs).forEach(function (k) { inputs[k].value = was.applicant[k] || ""; });
      homeVisit.checked = !!(was.proxy && was.proxy.home_visit);
      answers.forEach(function (a) {
        var value = was.answers[a.field.code];
        if (value === undefined || value === null) return;
        if (a.input.multi) {
          a.input.querySelectorAll("input").forEach(function (x) { x.checked = [].concat(value).indexOf(x.value) >= 0; });
        } else a.input.value = value;
      });
      // By name: a new version of the item has new material rows.
      var had = prior.material_names || [];
      materials.forEach(function (m) { m.input.checked = had.indexOf(m.material.name) >= 0; });
      entrusted.value = prior.mandate.entrusted;
    }

    function showPhotos() {
      photoList.replaceChildren.apply(photoList, photos.map(function (p, i) {
        var img = h("img", { src: URL.createObjectURL(p.blob), alt: "照片" + (i + 1) });
        return h("li", {}, [img, h("span", { text: kb(p.blob.size) }),
          h("button", { type: "button", text: "删除", onclick: function () { photos.splice(i, 1); showPhotos(); } })]);
      }));
    }
    showPhotos();
    photoInput.addEventListener("change", function () {
      var files = Array.prototype.slice.call(photoInput.files || []);
      photoNote.textContent = "正在检查并压缩…";
      photoUse().then(function (used) {
        var pending = photos.reduce(function (s, p) { return s + p.blob.size; }, 0);
        return files.reduce(function (chain, file) {
          return chain.then(function (refused) {
            return checkPhoto(file).then(function (blob) {
              if (used + pending + blob.size > PHOTO_BUDGET) throw new Error("本机照片空间已满，请先同步再拍");
              pending += blob.size;
              photos.push({ blob: blob });
              return refused;
            }).catch(function (err) { return refused.concat([err.message]); });
          });
        }, Promise.resolve([])).then(function (refused) {
          photoInput.value = "";
          showPhotos();
          var share = (used + pending) / PHOTO_BUDGET;
          photoNote.className = "px-photo-status " + (refused.length || share >= PHOTO_WARN ? "form-error" : "muted");
          photoNote.textContent = (refused.length ? "未保存：" + refused.join("；") + "。" : "已压缩，共 " + photos.length + " 张。") +
            (share >= PHOTO_WARN ? "本机照片空间已用 " + Math.round(share * 100) + "%，请尽快同步。" : "");
        });
      });
    });

    function collect() {
      var problems = [];
      var applicant = { kind: "person" };
      Object.keys(inputs).forEach(function (k) { applicant[k] = inputs[k].value.trim(); });
      applicant.id_number = applicant.id_number.toUpperCase();
      if (!applicant.name) problems.push("请填写申请人姓名");
      var why = idNumberError(applicant.id_number);
      if (why) problems.push(why);
      if (!/^1\d{10}$/.test(applicant.phone)) problems.push("联系电话应为11位手机号");
      var out = {};
      answers.forEach(function (a) {
        var value;
        if (a.input.multi) {
          value = Array.prototype.filter.call(a.input.querySelectorAll("input"), function (x) { return x.checked; }).map(function (x) { return x.value; });
          if (!value.length) value = null;
        } else value = a.input.value.trim() || null;
        if (value === null) { if (a.field.required) problems.push("请回答：" + a.field.label); return; }
        out[a.field.code] = value;
      });
      if (!pad.value()) problems.push("请委托人在委托书上签名");
      return { problems: problems, applicant: applicant, answers: out };
    }

    var save = h("button", { type: "button", class: "primary wide", text: "保存并放入发件箱", onclick: function () {
      var got = collect();
      showErrors(errors, got.problems);
      if (got.problems.length) return;
      var key = newKey();
      var rows = photos.map(function (p, i) { return { id: key + ":" + i, blob: p.blob, size: p.blob.size }; });
      var item_ = {
        kind: "register", key: key, title: got.applicant.name + " · " + item.name, item_version: item.version,
        application: {
          item: item.code, channel: "proxy", applicant: got.applicant, answers: got.answers,
          materials: materials.filter(function (m) { return m.input.checked; }).map(function (m) {
            return { material: m.material.id, originals: m.material.originals, copies: m.material.copies };
          }),
          proxy: { home_visit: homeVisit.checked, mandate: false }
        },
        material_names: materials.filter(function (m) { return m.input.checked; }).map(function (m) { return m.material.name; }),
        photos: rows.map(function (r) { return { id: r.id, sent: false }; }),
        mandate: { villager_name: got.applicant.name, villager_id_number: got.applicant.id_number,
          entrusted: entrusted.value.trim(), method: "signature", signature: pad.value() },
        mandate_done: false
      };
      save.disabled = true;
      Promise.all(rows.map(function (r) { return put("photos", r); })).then(function () {
        if (!prior) return null;
        // The corrected registration replaces the failed one (which never reached the township).
        return Promise.all(prior.photos.map(function (p) { return del("photos", p.id); })).then(function () { return del("outbox", prior.seq); });
      }).then(function () { return enqueue(item_); })
        .catch(function (e) { save.disabled = false; showErrors(errors, ["保存失败：" + (e && e.message || e) + "（手机存储可能已满）"]); });
    } });

    return [
      h("p", {}, [h("a", { href: "#/new", text: "← 重新选择事项" })]),
      h("div", { class: "px-head" }, [h("h1", { text: item.name }), h("span", { class: "muted", text: "代办登记（离线可填）" })]),
      prior ? h("p", { class: "form-error", role: "alert", text: "修改后重新提交：" + (prior.note || "") }) : null,
      errors,
      h("section", { class: "card" }, [h("h2", { text: "申请人" }),
        field("申请人姓名", inputs.name), field("身份证号", inputs.id_number), field("联系电话", inputs.phone), field("住址", inputs.address),
        h("label", { class: "px-check" }, [homeVisit, "上门受理（在村民家中登记）"])]),
      answers.length ? h("section", { class: "card" }, [h("h2", { text: "事项问题" })].concat(answers.map(function (a) {
        return field(a.field.label + (a.field.required ? "（必填）" : ""), a.input, a.field.help_text);
      }))) : null,
      h("section", { class: "card" }, [h("h2", { text: "收到的材料" })].concat(materials.map(function (m) {
        var mm = m.material;
        return h("label", { class: "px-check" }, [m.input, mm.name + "（原件" + mm.originals + "份，复印件" + mm.copies + "份）" + (mm.required ? "" : "（可选）")]);
      }))),
      h("section", { class: "card" }, [h("h2", { text: "材料照片" }), photoInput, photoNote, photoList]),
      h("section", { class: "card" }, [h("h2", { text: "代办委托书" }),
        h("p", { class: "muted", text: "委托人即申请人本人，签名后委托书随登记一起提交。" }), field("委托事项", entrusted), pad]),
      h("div", { class: "px-submit" }, [save, h("p", { class: "muted small", text: "保存在本机，有信号时自动提交；提交多次也只登记一件。" })])
    ];
  }

  // --- handover ---------------------------------------------------------------------------------------

  function handoverPage() {
    return Promise.all([all("cases"), outbox()]).then(function (r) {
      var cases = r[0], list = r[1];
      var taken = {};
      list.filter(function (i) { return i.kind === "handover" && i.state !== "failed"; }).forEach(function (i) {
        i.cases.forEach(function (ref) { taken[ref.local || ref.number] = true; });
        (i.numbers || []).forEach(function (n) { taken[n] = true; });
      });
      // A registration made on this phone is offered once: by its local key until the feed brings its case.
      var localNumbers = {};
      list.forEach(function (i) { if (i.kind === "register" && i.number) localNumbers[i.number] = i.key; });
      var choices = [];
      list.filter(function (i) { return i.kind === "register" && i.state !== "failed" && !taken[i.key]; }).forEach(function (i) {
        var known = i.number && cases.filter(function (c) { return c.number === i.number; })[0];
        if (known && (known.bucket !== "to_hand_over" || !known.mine)) return;
        choices.push({ ref: { local: i.key }, label: i.title, sub: i.number || "本机登记，尚未提交" });
      });
      cases.filter(function (c) {
        return c.bucket === "to_hand_over" && c.mine && c.mandate && !taken[c.number] && !localNumbers[c.number];
      }).forEach(function (c) {
        choices.push({ ref: { number: c.number }, label: c.applicant + " · " + c.item.name, sub: c.number });
      });
      var boxes = choices.map(function (c) {
        var input = h("input", { type: "checkbox", name: "cases", checked: true });
        return { choice: c, input: input, row: h("label", { class: "px-check" }, [input, h("span", {}, [c.label, h("br"), h("span", { class: "muted", text: c.sub })])]) };
      });
      var pad = signaturePad("交出人（代办员）签名");
      var errors = errorBox();
      return [
        h("p", {}, [h("a", { href: "#/", text: "‹ 村级代办" })]),
        h("h1", { text: "交镇中心" }), errors,
        boxes.length ? h("section", { class: "card" }, [h("h2", { text: "选择带去的办件" })].concat(boxes.map(function (b) { return b.row; })))
          : h("p", { class: "muted", text: "没有待交接的办件（未签委托书的办件不能交接）。" }),
        boxes.length ? pad : null,
        boxes.length ? h("button", { type: "button", class: "primary wide", text: "签名并放入发件箱", onclick: function () {
          var chosen = boxes.filter(function (b) { return b.input.checked; });
          var problems = [];
          if (!chosen.length) problems.push("请至少选择一件办件");
          if (!pad.value()) problems.push("请代办员签名");
          showErrors(errors, problems);
          if (problems.length) return;
          enqueue({ kind: "handover", title: "送镇中心（" + chosen.length + " 件）", labels: chosen.map(function (b) { return b.choice.label; }),
            cases: chosen.map(function (b) { return b.choice.ref; }), signature: pad.value() });
        } }) : null
      ];
    });
  }

  // --- outbox -------------------------------------------------------------------------------------------

  function outboxPage() {
    return outbox().then(function (list) {
      var c = counts(list);
      return [
        h("p", {}, [h("a", { href: "#/", text: "‹ 村级代办" })]),
        h("h1", { text: "发件箱" }),
        h("p", { class: "pwa-counts", "data-counts": [c.pending, c.sent, c.failed].join(",") },
          ["待发送 " + c.pending + " · 已发送 " + c.sent + " · 失败 " + c.failed + " ",
            h("button", { type: "button", text: "立即同步", onclick: function () { sync(); } })]),
        list.length ? h("ol", { class: "px-list pwa-outbox" }, list.map(function (i) {
          var detail = [];
          if (i.kind === "register") detail.push("照片 " + i.photos.length + " 张，委托书已签" + (i.number ? " · 办件编号 " + i.number : ""));
          if (i.kind === "handover") detail.push((i.labels || []).join("、") + (i.handover_id ? " · 交接单 No." + i.handover_id : ""));
          if (i.number && i.kind !== "register") detail.push(i.number);
          return h("li", { class: "outbox-" + i.state, "data-state": i.state, "data-kind": i.kind }, [
            h("div", { class: "top" }, [h("span", { text: KIND_LABELS[i.kind] + "：" + i.title }), h("span", { class: "px-where " + i.state, text: STATE_LABELS[i.state] })]),
            h("div", { class: "sub", text: detail.join(" · ") + " · " + when(i.created_at) + (i.sent_at ? " · 发送于 " + when(i.sent_at) : "") }),
            i.note ? h("div", { class: i.state === "failed" ? "field-error" : "sub", text: i.note }) : null,
            i.state === "failed" && i.kind === "register" && !i.number ? h("a", { class: "button",
              href: "#/new/" + encodeURIComponent(i.application.item) + "/" + i.seq, text: "修改后重新提交" }) : null,
            i.state === "failed" ? h("button", { type: "button", text: "重试", onclick: function () {
              i.state = "pending"; i.note = "";
              put("outbox", i).then(function () { return navigator.onLine ? sync() : render(); });
            } }) : null
          ]);
        })) : h("p", { class: "muted", text: "发件箱是空的。" })
      ];
    });
  }

  // --- start ------------------------------------------------------------------------------------------

  document.querySelector("[data-sync]").addEventListener("click", function () { sync(); });
  window.addEventListener("hashchange", render);
  window.addEventListener("online", function () { sync(); });
  // A weak signal comes and goes without an "online" event: try what is waiting again every 3 minutes.
  window.setInterval(function () {
    if (!db || syncing || !navigator.onLine) return;
    outbox().then(function (list) {
      if (list.some(function (i) { return i.state === "pending"; })) sync();
    });
  }, 3 * 60 * 1000);
  window.addEventListener("offline", showNet);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(CONF.sw, { scope: CONF.scope }).catch(function () { /* no offline shell */ });
  }
  var known = null;
  try { known = localStorage.getItem(USER_KEY); } catch (e) { /* private mode */ }
  (known ? useUser(known) : Promise.resolve()).then(render).then(function () {
    if (navigator.onLine) return sync();
  });
  window.bianminProxyApp = { sync: sync, render: render };
})();
