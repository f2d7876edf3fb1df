import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactUri } from '../../../server/config/env';
import { isAppError } from '../../../server/errors/app-error';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/vigil');
  } catch (error) {
    if (isAppError(error) && error.code === 'CONFIG_INVALID') return error.message.split('\n');
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('gives the zero-configuration defaults', () => {
    const config = loadConfig({}, '/srv/vigil');
    expect(config).toMatchObject({
      mongodbUri: undefined,
      dataDir: '/srv/vigil/data',
      port: 8443,
      masterKeyFile: path.join('/srv/vigil/data', 'master.key'),
      tls: undefined,
      kmip: undefined,
    });
  });

  it('accepts a MongoDB replica-set URI and resolves paths against the working directory', () => {
    const config = loadConfig(
      { MONGODB_URI: 'mongodb://a.example:27017,b.example:27017/vigil?replicaSet=rs0', VIGIL_DATA_DIR: 'var', VIGIL_PORT: '9443', VIGIL_MASTER_KEY_FILE: '/etc/vigil/master.key' },
      '/srv/vigil',
    );
    expect(config.mongodbUri).toContain('replicaSet=rs0');
    expect(config.dataDir).toBe('/srv/vigil/var');
    expect(config.port).toBe(9443);
    expect(config.masterKeyFile).toBe('/etc/vigil/master.key');
  });

  it.each([
    [{ MONGODB_URI: 'postgres://localhost/vigil' }, /^MONGODB_URI: is not a valid MongoDB connection string/],
    [{ MONGODB_URI: 'mongodb://' }, /^MONGODB_URI: /],
    [{ VIGIL_PORT: 'https' }, /^VIGIL_PORT: must be a port number/],
    [{ VIGIL_PORT: '70000' }, /^VIGIL_PORT: must be between 1 and 65535/],
    [{ VIGIL_PORT: '84.5' }, /^VIGIL_PORT: must be a whole number/],
    [{ VIGIL_TLS_CERT: '/nonexistent/cert.pem' }, /^VIGIL_TLS_CERT: VIGIL_TLS_CERT and VIGIL_TLS_KEY must be set together/],
    [{ VIGIL_LOG_LEVEL: 'loud' }, /^VIGIL_LOG_LEVEL: /],
    [{ VIGIL_KMIP_ENDPOINT: 'https://kmip' }, /^VIGIL_KMIP_ENDPOINT: must be host:port/],
  ])('rejects %o with one line naming the variable', (env, expected) => {
    const lines = problems(env);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(expected);
  });

  it('reports every problem at once, one line each', () => {
    const lines = problems({ MONGODB_URI: 'nope', VIGIL_PORT: '0' });
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => line.split(':')[0]).sort()).toEqual(['MONGODB_URI', 'VIGIL_PORT']);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', VIGIL_PORT: '' }, '/x').port).toBe(8443);
  });

  it('schedules the KB mirror sync daily unless it is off, and refuses a bad cron expression', () => {
    expect(loadConfig({}, '/x').kbSyncSchedule).toBe('17 3 * * *');
    expect(loadConfig({ VIGIL_KB_SYNC_SCHEDULE: '0 */6 * * *' }, '/x').kbSyncSchedule).toBe('0 */6 * * *');
    expect(loadConfig({ VIGIL_KB_SYNC_SCHEDULE: 'off' }, '/x').kbSyncSchedule).toBeNull();
    expect(problems({ VIGIL_KB_SYNC_SCHEDULE: 'daily' })).toEqual([expect.stringMatching(/^VIGIL_KB_SYNC_SCHEDULE: .*cron expression.*"off"/)]);
  });
});

describe('redactUri', () => {
  it('hides the password but keeps the host', () => {
    const redacted = redactUri('mongodb://vigil:hunter2@db.example:27017/vigil');
    expect(redacted).not.toContain('hunter2');
    expect(redacted).toContain('db.example:27017');
  });
});
