import type { OrderItemRecord, OrderRecord } from '../types';

/**
 * An order's title, detail and items are what its frozen preCreate body says
 * (order.orderTitle, order.orderDetail, riskInfo.orderInfos with the quantities of
 * extendInfo's goodsInfo), so they are read from the body instead of being stored twice.
 * Whatever the body does not say exactly — a body built another way, an item name the
 * body had to trim or cut, no detail given, quantities when the configured business type
 * leaves goodsInfo out — is kept in the row's `extra` column (JSON holding only those
 * fields), so every record reads back exactly as it was journaled.
 *
 * This reading is part of the stored format: a row stores nothing for what it derives,
 * so what bodyFacts makes of a given body must never change.
 */

export type OrderFacts = Pick<OrderRecord, 'title' | 'detail' | 'items'>;

/** An order line as riskInfo.orderInfos has it: no quantity. */
type Line = Pick<OrderItemRecord, 'name' | 'unitPriceMinor'>;

/** What the extra column may hold; `quantities` completes the body's lines. */
type Extra = Partial<OrderFacts> & { quantities?: Array<OrderItemRecord['quantity']> };

interface SaidByBody extends Partial<OrderFacts> {
  lines?: Line[];
}

/** What the body says, field by field; a field it does not say is undefined (items: not in a readable form). */
export function bodyFacts(bodyText: string): SaidByBody {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (!isObject(body)) return {};
  const order = isObject(body.order) ? body.order : {};
  const lines = linesOf(body);
  return {
    title: typeof order.orderTitle === 'string' ? order.orderTitle : undefined,
    detail: typeof order.orderDetail === 'string' ? order.orderDetail : null,
    items: lines === undefined ? undefined : withQuantities(lines, quantitiesOf(body, lines.length)),
    lines,
  };
}

/** The extra column for an order: what its body does not say exactly, or null when it says it all. */
export function extraOf(facts: OrderFacts, bodyText: string): string | null {
  const said = bodyFacts(bodyText);
  const extra: Extra = {};
  if (said.title !== facts.title) extra.title = facts.title;
  if (said.detail !== facts.detail) extra.detail = facts.detail;
  const items = plainItems(facts.items);
  // Compared as JSON text: what comes back is what JSON.parse of the stored JSON gives.
  const wanted = JSON.stringify(items);
  const quantities = items.map((item) => item.quantity);
  if (JSON.stringify(said.items) === wanted) {
    // The body says them all.
  } else if (said.lines !== undefined && JSON.stringify(withQuantities(said.lines, quantities)) === wanted) {
    extra.quantities = quantities;
  } else {
    extra.items = items;
  }
  return Object.keys(extra).length === 0 ? null : JSON.stringify(extra);
}

/** The order's title, detail and items from its body and extra column (the inverse of extraOf). */
export function orderFacts(bodyText: string, extraText: string | null): OrderFacts {
  const extra = extraText === null ? {} : (JSON.parse(extraText) as Extra);
  const said: SaidByBody = 'title' in extra && 'detail' in extra && 'items' in extra ? {} : bodyFacts(bodyText);
  const title = 'title' in extra ? extra.title : said.title;
  const detail = 'detail' in extra ? extra.detail : said.detail;
  let items = 'items' in extra ? extra.items : said.items;
  if (extra.quantities !== undefined) items = said.lines === undefined ? undefined : withQuantities(said.lines, extra.quantities);
  if (title === undefined || detail === undefined || items === undefined) {
    // extraOf kept whatever the body did not say; the body and extra are frozen together.
    throw new Error('an order row no longer matches its frozen body (title, detail or items missing)');
  }
  return { title, detail, items };
}

/** Only the fields an order line has, as journaled since the first schema. */
export function plainItems(items: readonly OrderItemRecord[]): OrderItemRecord[] {
  return items.map((item) => ({ name: item.name, quantity: item.quantity, unitPriceMinor: item.unitPriceMinor }));
}

/** Lines joined with their quantities; undefined when the counts differ. */
export function withQuantities(lines: readonly Line[], quantities: ReadonlyArray<OrderItemRecord['quantity']> | undefined): OrderItemRecord[] | undefined {
  if (quantities === undefined || !Array.isArray(quantities) || quantities.length !== lines.length) return undefined;
  return lines.map((line, i) => ({ name: line.name, quantity: quantities[i]!, unitPriceMinor: line.unitPriceMinor }));
}

/** riskInfo.orderInfos: names and unit prices; [] when the body has none. */
function linesOf(body: Record<string, unknown>): Line[] | undefined {
  const risk = isObject(body.riskInfo) ? body.riskInfo : {};
  if (risk.orderInfos === undefined) return [];
  if (!Array.isArray(risk.orderInfos)) return undefined;
  const lines: Line[] = [];
  for (const info of risk.orderInfos) {
    const price = isObject(info) && isObject(info.itemPrice) ? info.itemPrice.value : undefined;
    if (!isObject(info) || typeof info.productName !== 'string' || !isPrice(price)) return undefined;
    lines.push({ name: info.productName, unitPriceMinor: Number(price) });
  }
  return lines;
}

/** The quantities of extendInfo's goodsInfo (`name^quantity|…`, trade-information.ts), one per line. */
function quantitiesOf(body: Record<string, unknown>, lineCount: number): number[] | undefined {
  if (lineCount === 0) return [];
  const goods = goodsInfo(body.extendInfo);
  if (goods === undefined || goods.length !== lineCount) return undefined;
  const quantities = goods.map((part) => part.slice(part.lastIndexOf('^') + 1));
  return quantities.every(isCount) ? quantities.map(Number) : undefined;
}

function goodsInfo(extendInfo: unknown): string[] | undefined {
  if (typeof extendInfo !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(extendInfo);
  } catch {
    return undefined;
  }
  const info = isObject(parsed) && isObject(parsed.chinaExtraTransInfo) ? parsed.chinaExtraTransInfo : undefined;
  return typeof info?.goodsInfo === 'string' ? info.goodsInfo.split('|') : undefined;
}

/** A unit price as the body carries it: 0 is a free item. */
function isPrice(value: unknown): value is string {
  return typeof value === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(value);
}

function isCount(value: unknown): value is string {
  return typeof value === 'string' && /^[1-9][0-9]{0,14}$/.test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
