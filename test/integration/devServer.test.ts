import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const { INDEXED_VALUE_TYPE_INT, INDEXED_VALUE_TYPE_KEYWORD } = temporal.api.enums.v1.IndexedValueType;

describe('the Temporal dev server the suite starts', () => {
  const namespace = `keel-test-${process.env.VITEST_POOL_ID}`;
  let connection: Connection;

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await connection.close();
  });

  it('has a namespace for this pool worker', () => {
    expect(inject('temporalNamespaces')).toContain(namespace);
  });

  it('has the job search attributes, with their contract types, in that namespace', async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(customAttributes).toMatchObject({
      JobId: INDEXED_VALUE_TYPE_INT,
      JobType: INDEXED_VALUE_TYPE_KEYWORD,
      JobUserId: INDEXED_VALUE_TYPE_INT,
    });
  });
});
