// Search page (/tim-kiem/): runs Pagefind's index, loaded only here: pagefind/shards.json
// lists one bundle per shard (pagefind/<shard>/), the first is opened and the others merged.
// Vietnamese with or without diacritics works both ways, "đ" included: the index holds the
// folded form of each page's "đ" words (plugins/search_index), and a query with "đ" is also
// run folded. Exact matches come first, then tone-insensitive ones, then folded ones.

const PER_PAGE = 10;
const PARAMS = { q: "q", kind: "loai", category: "chuyen-muc", year: "nam" };

/** Lower-case ASCII form, as toasoan.text.fold: "Đào tạo" → "dao tao". */
export function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase().trim();
}

/** What Pagefind does to a query by itself (tone marks off, "đ" kept). */
function plain(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
}

/**
 * Results in three tiers: the query's words with exactly its diacritics; then any tone marks
 * (Pagefind's own folding); then, when the query has "đ", its folded form ("dao").
 * ``exact`` and ``loose`` are the same shards opened with and without exactDiacritics:
 * Pagefind applies options() to the first shard only, so each instance gets its option
 * when it opens every shard.
 */
async function find({ exact, loose }, query, filters) {
  if (!query) return (await loose.search(null, { filters, sort: { date: "desc" } })).results;
  const tiers = [await exact.search(query, { filters }), await loose.search(query, { filters })];
  if (fold(query) !== plain(query)) tiers.push(await loose.search(fold(query), { filters }));
  const seen = new Set();
  const results = [];
  for (const tier of tiers) {
    for (const result of tier.results) {
      if (!seen.has(result.id)) {
        seen.add(result.id);
        results.push(result);
      }
    }
  }
  return results;
}

/** The excerpt as text nodes, with the query's words marked however they are accented. */
function excerpt(html, terms) {
  const text = new DOMParser().parseFromString(html, "text/html").body.textContent;
  const p = document.createElement("p");
  p.className = "search-excerpt";
  for (const piece of text.split(/([\p{L}\p{N}]+)/u)) {
    const word = fold(piece);
    if (word && terms.some((t) => word === t || word.startsWith(t))) {
      const mark = document.createElement("mark");
      mark.textContent = piece;
      p.append(mark);
    } else {
      p.append(piece);
    }
  }
  return p;
}

function resultItem(data, terms) {
  const li = document.createElement("li");
  const h2 = document.createElement("h2");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = data.meta.title || data.url;
  h2.append(a);
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = [(data.filters.kind || [])[0], data.meta.date].filter(Boolean).join(" · ");
  li.append(h2, meta, excerpt(data.excerpt, terms));
  return li;
}

function fillSelect(select, counts, collator) {
  const values = Object.keys(counts || {});
  values.sort(select.dataset.filter === "year" ? (a, b) => b.localeCompare(a) : collator.compare);
  for (const value of values) select.append(new Option(value, value));
}

/**
 * The site's index: shards.json lists the shard bundles under pagefind/, newest first; the
 * first is loaded, the others merged into it. Two instances: exact and loose diacritics.
 */
async function open(bundle, site) {
  const response = await fetch(new URL("shards.json", bundle));
  if (!response.ok) throw new Error(`shards.json: ${response.status}`);
  const [first, ...others] = (await response.json()).shards.map((name) => new URL(`${name}/`, bundle));
  const module = await import(new URL("pagefind.js", first).href);
  const options = { baseUrl: site.pathname, excerptLength: 24 };
  async function instance(exactDiacritics) {
    const pagefind = module.createInstance({ ...options, basePath: first.pathname });
    await pagefind.options({ exactDiacritics });
    for (const shard of others) await pagefind.mergeIndex(shard.pathname, { ...options, exactDiacritics });
    return pagefind;
  }
  // One after the other: both instances run in Pagefind's one worker, which holds one
  // WebAssembly module for them. Two first loads at once can leave an instance reading the
  // other's memory ("memory access out of bounds", seen once in CI).
  const exact = await instance(true);
  const loose = await instance(false);
  return { exact, loose };
}

async function start(form) {
  const status = document.getElementById("trang-thai");
  const list = document.getElementById("ket-qua");
  const more = document.getElementById("xem-them");
  const input = form.elements.q;
  const selects = [...form.querySelectorAll("select[data-filter]")];
  let pagefind;
  try {
    pagefind = await open(new URL(form.dataset.bundle, document.baseURI), new URL(form.dataset.site, document.baseURI));
    const all = await pagefind.loose.filters();
    const collator = new Intl.Collator("vi");
    for (const select of selects) fillSelect(select, all[select.dataset.filter], collator);
    form.querySelector(".search-filters").hidden = false;
  } catch (error) {
    status.textContent = "Chưa tải được bộ tìm kiếm của trang. Vui lòng thử lại sau.";
    return;
  }

  let results = [];
  let shown = 0;
  let terms = [];
  let run = 0;

  async function showMore() {
    const slice = results.slice(shown, shown + PER_PAGE);
    const datas = await Promise.all(slice.map((r) => r.data()));
    list.append(...datas.map((d) => resultItem(d, terms)));
    shown += slice.length;
    more.hidden = shown >= results.length;
  }

  function readUrl() {
    const params = new URLSearchParams(location.search);
    input.value = params.get(PARAMS.q) || "";
    for (const select of selects) select.value = params.get(PARAMS[select.dataset.filter]) || "";
  }

  function writeUrl() {
    const params = new URLSearchParams();
    if (input.value.trim()) params.set(PARAMS.q, input.value.trim());
    for (const select of selects) if (select.value) params.set(PARAMS[select.dataset.filter], select.value);
    const query = params.toString();
    history.pushState(null, "", query ? `?${query}` : location.pathname);
  }

  async function search() {
    const mine = ++run;
    const query = input.value.trim();
    const filters = {};
    for (const select of selects) if (select.value) filters[select.dataset.filter] = select.value;
    list.replaceChildren();
    more.hidden = true;
    if (!query && !Object.keys(filters).length) {
      status.textContent = "Nhập từ khoá hoặc chọn bộ lọc để tìm bài viết, báo cáo cuộc họp và nhiệm vụ.";
      return;
    }
    status.textContent = "Đang tìm…";
    const found = await find(pagefind, query, filters);
    if (mine !== run) return; // a newer search has started
    results = found;
    shown = 0;
    terms = fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    await showMore();
    if (mine !== run) return;
    const what = query ? ` cho “${query}”` : "";
    status.textContent = results.length
      ? `Tìm thấy ${results.length} kết quả${what}.`
      : `Không tìm thấy kết quả nào${what}. Hãy thử từ khoá khác hoặc bỏ bớt bộ lọc.`;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    writeUrl();
    search();
  });
  for (const select of selects) {
    select.addEventListener("change", () => {
      writeUrl();
      search();
    });
  }
  more.addEventListener("click", showMore);
  window.addEventListener("popstate", () => {
    readUrl();
    search();
  });
  readUrl();
  search();
}

const form = document.getElementById("tim-kiem");
if (form) start(form);
