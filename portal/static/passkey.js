// Passkeys (WebAuthn) for the members' portal. Everything else works without JavaScript.
"use strict";
(function () {
  if (!window.PublicKeyCredential) return;
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });

  function b64u(buf) {
    var s = "", bytes = new Uint8Array(buf);
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function unb64u(text) {
    var s = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out.buffer;
  }
  function post(url, csrf, body) {
    body.csrf = csrf;
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) { if (!r.ok) throw new Error(data.error || r.statusText); return data; });
    });
  }
  function fail(err) { alert(err.message || String(err)); }

  function created(cred) {
    return {
      id: cred.id, rawId: b64u(cred.rawId), type: cred.type,
      response: {clientDataJSON: b64u(cred.response.clientDataJSON), attestationObject: b64u(cred.response.attestationObject),
                 transports: cred.response.getTransports ? cred.response.getTransports() : []},
      clientExtensionResults: cred.getClientExtensionResults(), authenticatorAttachment: cred.authenticatorAttachment
    };
  }
  function asserted(cred) {
    var r = cred.response;
    return {
      id: cred.id, rawId: b64u(cred.rawId), type: cred.type,
      response: {clientDataJSON: b64u(r.clientDataJSON), authenticatorData: b64u(r.authenticatorData), signature: b64u(r.signature),
                 userHandle: r.userHandle ? b64u(r.userHandle) : null},
      clientExtensionResults: cred.getClientExtensionResults(), authenticatorAttachment: cred.authenticatorAttachment
    };
  }
  function getWith(options) {
    options.challenge = unb64u(options.challenge);
    (options.allowCredentials || []).forEach(function (c) { c.id = unb64u(c.id); });
    return navigator.credentials.get({publicKey: options});
  }
  function go(data) { window.location.assign(data.next || "/"); }

  var enrol = document.getElementById("passkey-enrol");
  if (enrol) enrol.addEventListener("click", function () {
    var url = enrol.dataset.url, csrf = enrol.dataset.csrf;
    post(url + "/options", csrf, {}).then(function (options) {
      options.challenge = unb64u(options.challenge);
      options.user.id = unb64u(options.user.id);
      (options.excludeCredentials || []).forEach(function (c) { c.id = unb64u(c.id); });
      return navigator.credentials.create({publicKey: options});
    }).then(function (cred) { return post(url, csrf, {credential: created(cred)}); }).then(go).catch(fail);
  });

  var signin = document.getElementById("passkey-signin");
  if (signin) signin.addEventListener("click", function () {
    var csrf = signin.dataset.csrf, member = document.getElementById("passkey-member").value;
    post("/signin/passkey/options", csrf, {member: member}).then(getWith)
      .then(function (cred) { return post("/signin/passkey", csrf, {credential: asserted(cred), next: signin.dataset.next}); })
      .then(go).catch(fail);
  });

  function withForm(buttonId, formId, fields) {
    var button = document.getElementById(buttonId);
    if (!button) return;
    button.addEventListener("click", function () {
      var form = document.getElementById(formId), body = {};
      fields.forEach(function (name) {
        var el = form.querySelector("[name=" + name + "]:checked") || form.querySelector("[name=" + name + "]:not([type=radio])");
        body[name] = el ? el.value : "";
      });
      if (!form.reportValidity()) return;
      var url = button.dataset.url, csrf = button.dataset.csrf;
      post(url + "/options", csrf, Object.assign({}, body)).then(getWith)
        .then(function (cred) { return post(url + "/passkey", csrf, Object.assign(body, {credential: asserted(cred)})); })
        .then(go).catch(fail);
    });
  }
  withForm("passkey-ballot", "ballot", ["choice", "reason"]);
  withForm("passkey-sign", "sign", ["name"]);
})();
