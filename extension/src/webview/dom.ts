/// <reference lib="dom" />
// Small DOM builders for the report webview. Text always goes in through textContent, never
// innerHTML, because every string here (layer names, messages, citations) comes from user code or data.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { cls?: string; text?: string } = {},
  ...children: Array<Node | null>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.cls) node.className = options.cls;
  if (options.text !== undefined) node.textContent = options.text;
  for (const c of children) if (c) node.appendChild(c);
  return node;
}

export interface CardData {
  label: string;
  value: string;
  detail: string;
}

export function cards(items: CardData[]): HTMLElement {
  return el(
    "div",
    { cls: "cards" },
    ...items.map((c) =>
      el(
        "div",
        { cls: "card" },
        el("div", { cls: "label", text: c.label }),
        el("div", { cls: "value", text: c.value }),
        el("div", { cls: "detail", text: c.detail }),
      ),
    ),
  );
}

export interface Column<Row> {
  title: string;
  numeric?: boolean;
  text: (r: Row) => string;
  /** Sort key; columns without one are not sortable. */
  key?: (r: Row) => number | string | null;
}

/** Sort choice per table id, so a re-render after an edit keeps the order the user picked. */
const sortChoice = new Map<string, { col: number; descending: boolean }>();

/**
 * A table whose sortable headers re-order the rows on click (descending first for numbers, since
 * the question is usually "what costs most"); unknown values sort last either way.
 */
export function sortableTable<Row>(
  id: string,
  rows: Row[],
  columns: Column<Row>[],
  onRow?: (r: Row) => void,
): HTMLElement {
  const table = el("table");
  const tbody = el("tbody");
  let sortCol = sortChoice.get(id)?.col ?? -1;
  let descending = sortChoice.get(id)?.descending ?? true;
  const fill = () => {
    tbody.replaceChildren();
    const order = [...rows];
    const key = sortCol >= 0 ? columns[sortCol].key : undefined;
    if (key) {
      order.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return descending ? -c : c;
      });
    }
    for (const r of order) {
      const tr = el("tr", { cls: onRow ? "link" : "" });
      for (const c of columns) tr.appendChild(el("td", { cls: c.numeric ? "num" : "", text: c.text(r) }));
      if (onRow) tr.addEventListener("click", () => onRow(r));
      tbody.appendChild(tr);
    }
  };
  const headRow = el("tr");
  columns.forEach((c, i) => {
    const th = el("th", { cls: `${c.numeric ? "num " : ""}${c.key ? "sortable" : ""}`, text: c.title });
    if (c.key) {
      th.title = "Sort by this column";
      th.addEventListener("click", () => {
        descending = sortCol === i ? !descending : !!c.numeric;
        sortCol = i;
        sortChoice.set(id, { col: i, descending });
        for (const other of Array.from(headRow.children)) other.removeAttribute("aria-sort");
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        fill();
      });
    }
    if (i === sortCol) th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    headRow.appendChild(th);
  });
  table.appendChild(el("thead", {}, headRow));
  table.appendChild(tbody);
  fill();
  return table;
}
