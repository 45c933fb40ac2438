import { describe, expect, it } from 'vitest';
import { entities } from '../../db/entities/index.ts';
import { keyName, namingStrategyFor } from '../../db/namingStrategy.ts';

describe('the key naming convention', () => {
  it('names keys and indexes as the seed does', () => {
    expect(keyName('job_runs', ['run_id'], 'primary')).toBe('pk_job_runs');
    expect(keyName('job_runs', ['workflow_id'], 'unique')).toBe('uq_job_runs_workflow_id');
    expect(keyName('job_runs', ['job_id', 'run_id'], 'index')).toBe('ix_job_runs_job_id_run_id');
    expect(keyName('job_runs', ['status'], 'check')).toBe('ck_job_runs_status');
    expect(keyName('public.job_runs', ['status'], 'index')).toBe('ix_job_runs_status');
    expect(keyName('trades', ['bot_id'], 'foreign', new Map([['trades.bot_id', 'bot_instances']]))).toBe('fk_trades_bot_id_bot_instances');
  });

  it('learns the referred table of every relation from the entities', () => {
    const Strategy = namingStrategyFor(entities);
    const strategy = new Strategy();
    expect(strategy.indexName('trades', ['bot_id'], 'foreign')).toBe('fk_trades_bot_id_bot_instances');
    expect(strategy.indexName('budget_reservations', ['bot_id'], 'foreign')).toBe('fk_budget_reservations_bot_id_bot_instances');
    expect(strategy.indexName('orders', ['client_order_id'], 'unique')).toBe('uq_orders_client_order_id');
    expect(strategy.indexName('job_schedules', ['id'], 'sequence')).toBe('job_schedules_id_seq');
  });
});
