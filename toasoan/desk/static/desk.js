// Bàn làm việc: the Markdown toolbar and image paste. Everything also works without it.
(function () {
  "use strict";
  var body = document.getElementById("f-body");
  var bar = document.querySelector(".toolbar");
  if (!body || !bar) return;
  bar.hidden = false;
  function wrap(before, after, placeholder) {
    var start = body.selectionStart, end = body.selectionEnd;
    var chosen = body.value.slice(start, end) || placeholder;
    body.setRangeText(before + chosen + after, start, end, "end");
    body.focus();
  }
  function prefixLines(prefix) {
    var start = body.value.lastIndexOf("\n", body.selectionStart - 1) + 1;
    var end = body.selectionEnd;
    var lines = body.value.slice(start, end).split("\n").map(function (l) { return prefix + l; });
    body.setRangeText(lines.join("\n"), start, end, "end");
    body.focus();
  }
  var actions = {
    bold: function () { wrap("**", "**", "chữ đậm"); },
    italic: function () { wrap("*", "*", "chữ nghiêng"); },
    heading: function () { prefixLines("## "); },
    list: function () { prefixLines("- "); },
    link: function () { wrap("[", "](https://)", "chữ của liên kết"); }
  };
  bar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-md]");
    if (button && actions[button.dataset.md]) actions[button.dataset.md]();
  });
  body.addEventListener("paste", function (event) {
    var upload = body.dataset.upload;
    var files = (event.clipboardData && event.clipboardData.files) || [];
    if (!upload || !files.length || !/^image\//.test(files[0].type)) return;
    event.preventDefault();
    var data = new FormData();
    data.append("image", files[0], files[0].name || "anh-dan.png");
    data.append("alt", "");
    data.append("csrf_token", body.dataset.token);
    fetch(upload, {method: "POST", body: data, headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        if (answer.error) { window.alert(answer.error); return; }
        body.setRangeText("\n\n" + answer.markdown + "\n\n", body.selectionStart, body.selectionEnd, "end");
        body.focus();
      });
  });
})();

// Kiểm tra as the writer types: the draft is saved and checked (as `invoke check`) a moment
// after the last keystroke; the findings beside each field and the summary are redrawn.
// Then, when there is no error, the draft's resident build runs and the preview beside the
// body editor reloads to the fresh page; otherwise it shows the errors, never a stale page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-check]");
  if (!form || !window.fetch) return;
  var timer = null, asked = 0, shown = 0;
  var live = form.querySelector("section[data-live]");
  var frame = live && live.querySelector("iframe");
  var status = live && live.querySelector(".live-status");
  var problem = live && live.querySelector(".live-problem");
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function item(f) {
    var li = el("li", f.severity);
    li.appendChild(el("strong", "", f.code));
    li.appendChild(document.createTextNode(" " + (f.is_error ? "Lỗi" : "Cảnh báo") + ": " + f.message + " "));
    if (f.hint) li.appendChild(el("span", "hint", "Gợi ý: " + f.hint));
    return li;
  }
  function show(answer) {
    document.querySelectorAll("ul.findings[id^='loi-']").forEach(function (ul) { ul.remove(); });
    document.querySelectorAll("[aria-invalid]").forEach(function (c) { c.removeAttribute("aria-invalid"); });
    var byKey = {};
    answer.findings.forEach(function (f) { (byKey[f.key] = byKey[f.key] || []).push(f); });
    Object.keys(byKey).forEach(function (key) {
      var control = document.getElementById("f-" + (key || "body"));
      if (!control) return;
      var ul = el("ul", "findings");
      ul.id = "loi-" + key;
      byKey[key].forEach(function (f) { ul.appendChild(item(f)); });
      control.insertAdjacentElement("afterend", ul);
      var ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(function (i) {
        return i && i.indexOf("loi-") !== 0; });
      ids.unshift(ul.id);
      control.setAttribute("aria-describedby", ids.join(" "));
      if (byKey[key].some(function (f) { return f.is_error; })) control.setAttribute("aria-invalid", "true");
    });
    var section = document.querySelector("section.check");
    var errors = answer.findings.filter(function (f) { return f.is_error; }).length;
    section.querySelectorAll("p, ul").forEach(function (n) { n.remove(); });
    section.appendChild(answer.findings.length ?
      el("p", errors ? "bad" : "ok", errors + " lỗi, " + (answer.findings.length - errors) + " cảnh báo." +
         (errors ? " Cần sửa hết lỗi mới gửi duyệt được." : "")) :
      el("p", "ok", "Không có lỗi nào. Bài có thể gửi duyệt."));
  }
  function post(url) {
    var data = new FormData(form);
    data.delete("op");
    data.delete("tep");  // a Văn bản's file is sent with "Lưu", not at every keystroke
    return fetch(url, {method: "POST", body: data, credentials: "same-origin",
                       headers: {"Accept": "application/json"}})
      .then(function (r) { return r.headers.get("Content-Type") === "application/json" ? r.json() : null; });
  }
  function fail(message, findings) {  // the preview area says why, instead of an old page
    frame.hidden = true;
    problem.querySelector("p").textContent = message;
    var ul = problem.querySelector("ul");
    ul.textContent = "";
    findings.forEach(function (f) { ul.appendChild(item(f)); });
    problem.hidden = false;
    status.textContent = "Chưa cập nhật được xem trước.";
  }
  function preview(turn) {
    post(live.dataset.live).then(function (answer) {
      if (!answer || turn !== asked) return;  // a newer edit is on its way
      if (answer.ok) frame.src = answer.url + "?lan=" + turn;
      else fail(answer.message, answer.findings);
    });
  }
  function check() {
    var turn = ++asked;
    post(form.dataset.check).then(function (answer) {
      if (!answer || turn !== asked) return;
      show(answer);
      if (!live) return;
      if (answer.blocked) {
        fail("Bài còn lỗi nên chưa dựng lại trang xem trước; sửa các lỗi này:",
             answer.findings.filter(function (f) { return f.is_error; }));
      } else {
        preview(turn);
      }
    });
  }
  if (live) {
    live.hidden = false;
    live.parentNode.classList.add("with-live");
    frame.addEventListener("load", function () {
      var turn = Number((frame.getAttribute("src") || "").split("?lan=")[1]);
      if (!turn || turn < shown || turn !== asked) return;
      shown = turn;
      problem.hidden = true;
      frame.hidden = false;
      var now = new Date();
      status.textContent = "Đã cập nhật xem trước lúc " + now.toLocaleTimeString("vi-VN") + ".";
    });
    status.textContent = "Đang dựng trang xem trước…";
    check();
  }
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 1000);
  });
})();
