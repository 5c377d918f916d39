import type { Migration } from '../../../native/sqlite';

/**
 * Serial devices the till drives (main/devices/device-config.ts validates every field
 * before it gets here; the CHECKs are the last line, for a hand-typed SQL statement).
 * `profile` is a printer profile id for a printer, the command set for a display.
 * At most one enabled device per role is enforced by the store inside a transaction.
 */
export const devicesMigration: Migration = {
  version: 3,
  name: 'devices',
  up(db) {
    db.exec(`
      CREATE TABLE devices (
        name         TEXT    NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 32),
        role         TEXT    NOT NULL CHECK (role IN ('printer', 'display')),
        path         TEXT    NOT NULL CHECK (length(path) BETWEEN 1 AND 256),
        baud         INTEGER NOT NULL CHECK (baud > 0),
        data_bits    INTEGER NOT NULL CHECK (data_bits IN (7, 8)),
        parity       TEXT    NOT NULL CHECK (parity IN ('none', 'even', 'odd')),
        stop_bits    INTEGER NOT NULL CHECK (stop_bits IN (1, 2)),
        flow_control TEXT    NOT NULL CHECK (flow_control IN ('none', 'rtscts', 'xonxoff')),
        profile      TEXT    NOT NULL CHECK (length(profile) > 0),
        enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        updated_at   TEXT    NOT NULL
      ) STRICT;
    `);
  },
};
