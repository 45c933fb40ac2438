import { defineEntity, p } from '@mikro-orm/core';
import { BotInstanceSchema } from './BotInstance.ts';
import { DecimalText } from './DecimalText.ts';

export const RESERVATION_STATUSES = ['reserved', 'released', 'consumed'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** Budget set aside for one order; the unique key makes reserving twice (a retried activity) the same reservation. */
export const BudgetReservationSchema = defineEntity({
  name: 'BudgetReservation',
  tableName: 'budget_reservations',
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: p.manyToOne(BotInstanceSchema),
    amount: p.type(DecimalText),
    idempotency_key: p.string().length(255).unique(),
    status: p.enum(() => RESERVATION_STATUSES).$type<ReservationStatus>().default('reserved'),
    created_at: p.datetime().onCreate(() => new Date()),
    updated_at: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class BudgetReservation extends BudgetReservationSchema.class {}
BudgetReservationSchema.setClass(BudgetReservation);
