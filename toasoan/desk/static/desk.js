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
