/* Theo dõi nhiệm vụ: "quá hạn" theo ngày của máy người xem, lọc, sắp xếp. Không bắt buộc. */
(function () {
  "use strict";
  var $ = function (s, r) { return (r || document).querySelector(s); };
  var all = function (s, r) { return [].slice.call((r || document).querySelectorAll(s)); };
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var fold = function (s) {
    return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  };
  var d = new Date();
  var today = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  var rows = all("tr[data-due]");
  var late = 0;
  rows.forEach(function (r) {
    var on = r.hasAttribute("data-open") && r.dataset.due < today;
    all(".qua-han", r).forEach(function (f) { f.hidden = !on; });
    r.toggleAttribute("data-late", on);
    late += on;
  });
  var count = $("[data-so-qua-han]");
  if (count) count.textContent = late;
  var when = $("time[data-hom-nay]");
  if (when) {
    when.dateTime = today;
    when.textContent = today.split("-").reverse().join("/");
    var note = $("[data-hom-nay-ghi-chu]");
    if (note) note.textContent = " (hôm nay, theo máy của bạn)";
  }

  var form = $("[data-bo-loc]");
  var table = $("[data-bang-nhiem-vu]");
  if (!form || !table) return;
  var el = form.elements;
  var out = $("[data-ket-qua]", form);
  form.hidden = false;
  function apply() {
    var s = el.status.value, u = el.unit.value, q = fold(el.q.value.trim()), shown = 0;
    rows.forEach(function (r) {
      var ok = (!s || r.dataset.status === s) && (!u || r.dataset.unit === u) &&
        (!el.overdue.checked || r.hasAttribute("data-late")) && (!q || fold(r.textContent).indexOf(q) >= 0);
      r.hidden = !ok;
      shown += ok;
    });
    all("tbody", table).forEach(function (b) { b.hidden = !$("tr[data-due]:not([hidden])", b); });
    out.textContent = "Đang hiện " + shown + "/" + rows.length + " nhiệm vụ.";
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  function key(cell) {
    var v = cell.getAttribute("data-sort");
    if (v === null) return fold(cell.textContent.trim());
    return v !== "" && !isNaN(v) ? +v : v;
  }
  var heads = all("thead th", table);
  heads.forEach(function (th, i) {
    var b = document.createElement("button");
    b.type = "button";
    b.append.apply(b, th.childNodes);
    th.appendChild(b);
    b.addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      all("tbody", table).forEach(function (body) {
        all("tr[data-due]", body).sort(function (x, y) {
          var a = key(x.cells[i]), c = key(y.cells[i]);
          return (a < c ? -1 : a > c ? 1 : 0) * (up ? 1 : -1);
        }).forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
