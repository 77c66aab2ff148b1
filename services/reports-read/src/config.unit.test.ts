import { readerMysqlSettings } from '@store/service-kit';
import { readConfig } from './config';

describe("reports-read's MySQL connection", () => {
  test('When REPORTS_MYSQL_* are unset, then the mysql source uses the primary settings', () => {
    const config = readConfig({ MYSQL_HOST: 'primary.db', MYSQL_USER: 'app', MYSQL_PASSWORD: 'secret' });

    expect(readerMysqlSettings(config, 'REPORTS_')).toEqual({
      host: 'primary.db',
      port: 3306,
      user: 'app',
      password: 'secret',
      database: 'store_manager',
      poolMax: 10,
    });
  });

  test('When REPORTS_MYSQL_* are set, then each one replaces its MYSQL_* value (a replica with a read-only account)', () => {
    const config = readConfig({
      MYSQL_HOST: 'primary.db',
      MYSQL_USER: 'app',
      MYSQL_PASSWORD: 'secret',
      REPORTS_MYSQL_HOST: 'replica.db',
      REPORTS_MYSQL_PORT: '3307',
      REPORTS_MYSQL_USER: 'reports',
      REPORTS_MYSQL_PASSWORD: 'read-only',
      REPORTS_MYSQL_DATABASE: '', // empty is unset (compose passes ${VAR:-} so)
    });

    expect(readerMysqlSettings(config, 'REPORTS_')).toEqual({
      host: 'replica.db',
      port: 3307,
      user: 'reports',
      password: 'read-only',
      database: 'store_manager',
      poolMax: 10,
    });
  });

  test.each([
    ['REPORTS_MYSQL_PORT', 'replica'],
    ['REPORTS_MYSQL_PORT', '70000'],
    ['REPORTS_MYSQL_PORT', '0'],
  ])('When %s is %p, then the configuration is refused and names it', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
