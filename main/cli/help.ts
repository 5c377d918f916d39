/** Kept free of imports: `till --help` must start fast on a slow terminal. */
export const HELP = `till — the Alipay QR till's command line

usage: till [--data-dir DIR] [--json] COMMAND [ARGS]

Payments (ID: the merchantTransId or its last digits)
  precreate --amount 2.39 [--currency USD] --title TEXT [--detail TEXT]
            [--item "NAME*QTY@PRICE"]... [--cart-id ID] [--no-wait]
                                              journal an order, show its QR, wait for payment
  query ID                                    ask the gateway for an order's payment status
  cancel ID                                   cancel an order (a paid one stays paid + alarm)
  refund ID --amount 1.00 [--reason TEXT] [--key KEY]
                                              refund all or part of a paid order (run again: the same refund)
  orders [--date D] [--state S] [--limit N]   the journal's orders, newest first
  order ID                                    one order with its event history
  resolve [--wait SECONDS]                    resolve every unknown outcome now
  resolve --settle ID --as cancelled|paid --reason TEXT
                                              settle by hand an order Alipay's answers do not end
  reconcile [--date D] [--csv FILE]           the day's totals by currency and its exceptions
  close-day [--date D]                        the Z report (refused while anything is unresolved)
  reprint ID                                  the receipt (paid) or QR slip (awaiting) again, marked REPRINT
  backup FILE                                 a checked copy of the journal, also while the till sells
  restore FILE                                put a backup in place (not while the till app runs; the old journal is kept)

Set-up and diagnosis
  sandbox [--port 8787] [--faults SPEC]       run the built-in sandbox gateway
  keys generate | import-private FILE | import-alipay-public FILE | show-public | status
       set-isv-token (reads stdin) | delete-isv-token
       set-pin [--code]   the supervisor PIN (typed here), or a one-time code to set it on the screen
       reset-pin (forgotten supervisor PIN) | unlock-pin (end a lockout, the PIN unchanged)
  config list | get KEY | set KEY VALUE | unset KEY
  doctor                                      check keychain, keys, gateway and clock
  logs [--since 1h] [--follow]                the till's log: gateway exchanges, start/stop, failures
  setup-kiosk --user NAME [--web] [--app PATH] [--root DIR]
                                              (as root) start the till with NAME's session, restart it always, dialout
  devices list                                serial ports found and the configured devices with their state
  devices add NAME --role printer|display --path PORT [--baud 9600] [--data-bits 8]
          [--parity none|even|odd] [--stop-bits 1|2] [--flow none|rtscts|xonxoff] [--profile ID]
  devices set NAME --SETTING VALUE... [--enabled true|false] | remove NAME
  devices test [NAME]                         print a test slip with a QR / show a test line

The store (docs/store-server.md)
  store join URL CODE                         send this till's journal to the store server (code from \`till server enrol\`)
  store sync [--wait] | status | leave        send now / what is not yet sent / stop sending
  server start [--listen 127.0.0.1:8790] [--database URL] [--dir DIR] [--tls-cert F --tls-key F]
                                              run the store server (PGlite in DIR unless --database)
  server enrol --store STORE [--name NAME]    a one-time code (15 min) for \`till store join\`
  server terminals [--store S] [--revoke ID]  the enrolled terminals, their last sync
  server report [--store S] [--date D] [--csv FILE]
                                              the store's day: per terminal and in total, per currency
  server user add NAME --role owner|supervisor [--store S]... | list | disable NAME
                                              store screen accounts (the password is typed here)

Global options
  --data-dir DIR   the till's data directory (or TILL_DATA_DIR); default per platform
  --json           one JSON document on stdout (see README: "JSON output")
  -h, --help       this text;  --version  the till's version

Exit codes: 0 done, 1 error, 2 usage, 3 outcome unknown (resolved later), 4 declined, 5 not paid.
A fresh data directory is a sandbox profile (profile.mode sandbox): run \`till sandbox\` in
one terminal and \`till precreate --amount 2.39 --title Coffee\` in another. Real payments:
\`till config set profile.mode live\`, here at the terminal only (never from a screen).
`;

/**
 * One command's own usage (`till precreate --help`, `till help precreate`): its entries of
 * HELP above (a line naming the command, with the lines that continue it), then the global
 * options and exit codes. Null for a name HELP does not list.
 */
export function commandHelp(name: string): string | null {
  const lines = HELP.split('\n');
  const entries: string[] = [];
  let taking = false;
  for (const line of lines) {
    const m = /^ {2}([a-z][a-z-]*)(\s|$)/.exec(line);
    if (m) taking = m[1] === name;
    // A continuation is indented past the command's two spaces; a blank line or a section title ends an entry.
    else if (!/^ {3,}\S/.test(line)) taking = false;
    if (taking) entries.push(line);
  }
  if (entries.length === 0) return null;
  const globals = lines.slice(lines.indexOf('Global options'), lines.findIndex((l) => l.startsWith('Exit codes')) + 1);
  return `usage: till [--data-dir DIR] [--json] ${name} …\n\n${entries.join('\n')}\n\n${globals.join('\n')}\n`;
}
