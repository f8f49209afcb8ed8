/**
 * The putaway commands of the books model test (books-model.test.ts): a receipt's
 * putaway task confirmed by scanning a storage bin and the item, in full, in part, by two
 * associates at once, short (a wave picked part of it from the receiving bin first: all the bin
 * holds moves and the task closes; refused while the bin holds the rest), or wrongly (more than
 * is left, the receiving bin scanned as the destination, another item). A putaway moves stock between bins at value 0: every identity
 * holds, the (item, warehouse) on hand is untouched, and a refusal writes nothing.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Model, World } from './books-model.fixtures.ts';
import type { ModelHarness } from './books-model.payables.ts';

type Cmd = fc.AsyncCommand<Model, World>;
type PutawayMode = 'full' | 'partial' | 'parallel' | 'short' | 'too_much' | 'receiving_bin' | 'wrong_item';

export function putawayCommands(h: ModelHarness): Array<fc.Arbitrary<Cmd>> {
  const { request, rows, snapshot, expectRefused, count, assertBooks } = h;

  class PutAway implements Cmd {
    constructor(readonly pick: number, readonly overflow: boolean, readonly mode: PutawayMode) {}
    check = (model: Readonly<Model>) => model.putawayTasks.some((task) => !task.closedShort && task.putAway < task.qty);
    async run(model: Model, world: World) {
      count(model, `putaway_${this.mode}`);
      const open = model.putawayTasks.filter((task) => !task.closedShort && task.putAway < task.qty);
      const task = open[this.pick % open.length]!;
      const [row] = await rows(
        world,
        `select t.item_id, t.warehouse_id, coalesce((select bb.on_hand from bin_balances bb where bb.tenant_id = t.tenant_id and bb.bin_id = t.from_bin_id and bb.item_id = t.item_id), 0)::int as in_bin,
                coalesce((select sum(o.qty - o.qty_put_away) from putaway_tasks o where o.tenant_id = t.tenant_id and o.from_bin_id = t.from_bin_id and o.item_id = t.item_id
                           and o.status = 'open' and o.task_id <> t.task_id), 0)::int as others
         from putaway_tasks t where t.tenant_id = $1 and t.task_id = $2`,
        [task.taskId],
      );
      const w = world.warehouses.indexOf(row.warehouse_id);
      const item = world.items.find((i) => i.itemId === row.item_id)!;
      const other = world.items.find((i) => i.itemId !== row.item_id)!;
      const remaining = task.qty - task.putAway;
      const qty = this.mode === 'too_much' ? remaining + 1 : this.mode === 'partial' ? Math.max(1, Math.floor(remaining / 2)) : remaining;
      // Scanned in lower case: bin codes match case-insensitively.
      const binScan = (this.mode === 'receiving_bin' ? world.receivingBins[w]! : this.overflow ? world.overflowBins[w]! : world.storageBins[w]!).code.toLowerCase();
      const body = { binScan, itemScan: this.mode === 'wrong_item' ? other.sku : item.sku, qty: String(qty), ...(this.mode === 'short' ? { short: true } : {}) };
      const url = `/v1/putaway-tasks/${task.taskId}/confirm`;
      const before = await snapshot(model);
      if (this.mode === 'parallel') {
        // Two associates confirm the whole rest at once (different idempotency keys): one moves it, the other is refused.
        const answers = await Promise.all([request(world, 'POST', url, body), request(world, 'POST', url, body)]);
        const codes = answers.map((a) => a.statusCode).sort();
        if (row.in_bin < qty) {
          for (const a of answers) expect(a.json().code, a.body).toBe('BIN_STOCK_SHORT');
          expect(await snapshot(model)).toEqual(before);
        } else {
          expect(codes, answers.map((a) => a.body).join('\n')).toEqual([200, 409]);
          expect(answers.find((a) => a.statusCode === 409)!.json().code).toBe('PUTAWAY_TASK_NOT_OPEN');
          task.putAway += qty;
          model.stats.succeeded++;
        }
        await assertBooks(model);
        return;
      }
      const response = await request(world, 'POST', url, body);
      if (this.mode === 'too_much') await expectRefused(model, response, ['PUTAWAY_QTY_EXCEEDS_TASK'], before);
      else if (this.mode === 'receiving_bin') await expectRefused(model, response, ['PUTAWAY_BIN_INVALID'], before);
      else if (this.mode === 'wrong_item') await expectRefused(model, response, ['PUTAWAY_ITEM_MISMATCH'], before);
      // Short is for a bin a pick emptied in part: refused while the bin still holds the rest; else all it holds for the task moves and the task closes.
      // What the bin holds beyond the other open tasks of the item there is this task's.
      else if (this.mode === 'short' && Math.max(0, row.in_bin - row.others) >= qty) await expectRefused(model, response, ['PUTAWAY_NOT_SHORT'], before);
      else if (this.mode === 'short') {
        expect(response.statusCode, response.body).toBe(200);
        task.putAway += Math.max(0, row.in_bin - row.others);
        task.closedShort = true;
        count(model, 'putaway_short_closed');
        expect({ qtyPutAway: Number(response.json().qtyPutAway), status: response.json().status, qtyRemaining: response.json().qtyRemaining }).toEqual({ qtyPutAway: task.putAway, status: 'done', qtyRemaining: '0' });
        model.stats.succeeded++;
      }
      // Picking may have taken from the receiving bin first: what is not there cannot be put away.
      else if (row.in_bin < qty) await expectRefused(model, response, ['BIN_STOCK_SHORT'], before);
      else {
        expect(response.statusCode, response.body).toBe(200);
        task.putAway += qty;
        expect({ qtyPutAway: Number(response.json().qtyPutAway), status: response.json().status }).toEqual({ qtyPutAway: task.putAway, status: task.putAway === task.qty ? 'done' : 'open' });
        model.stats.succeeded++;
      }
      await assertBooks(model);
    }
    toString = () => `putaway(#${this.pick}, ${this.overflow ? 'S-02' : 'S-01'}, ${this.mode})`;
  }

  const putaway = fc
    .tuple(fc.nat(), fc.boolean(), fc.constantFrom<PutawayMode>('full', 'full', 'partial', 'partial', 'parallel', 'short', 'short', 'too_much', 'receiving_bin', 'wrong_item'))
    .map(([p, overflow, mode]) => new PutAway(p, overflow, mode));
  // Listed three times: drawn as often as picking, so that tasks are put away before waves empty the receiving bin.
  return [putaway, putaway, putaway];
}
