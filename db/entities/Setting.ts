import { defineEntity, p } from '@mikro-orm/core';

/** One per-user preference, e.g. `notify_channel` = `telegram` or `webhook_url`. */
export const SettingSchema = defineEntity({
  name: 'Setting',
  tableName: 'settings',
  uniques: [{ properties: ['user_id', 'key'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    user_id: p.integer(),
    key: p.string().length(100),
    value: p.string().length(2000),
    updated_at: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class Setting extends SettingSchema.class {}
SettingSchema.setClass(Setting);
