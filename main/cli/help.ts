/** Kept free of imports: `till --help` must start fast on a slow terminal. */
export const HELP = `till — the Alipay QR till's command line

usage: till [--data-dir DIR] [--json] COMMAND [ARGS]

Payments
  precreate --amount 2.39 [--currency USD] --title TEXT [--detail TEXT]
            [--item "NAME*QTY@PRICE"]...      ask Alipay for a QR for this amount
  query ID                                    payment status of an order (merchantTransId)
  cancel ID                                   cancel (close or reverse) an order
  refund ID --amount 1.00 [--reason TEXT] [--refund-id RID]
                                              refund all or part of a paid order

Set-up and diagnosis
  sandbox [--port 8787] [--faults SPEC]       run the built-in sandbox gateway
  keys generate | import-private FILE | import-alipay-public FILE | show-public | status
       set-isv-token (reads stdin) | delete-isv-token
  config list | get KEY | set KEY VALUE | unset KEY
  doctor                                      check keychain, keys, gateway and clock

Global options
  --data-dir DIR   the till's data directory (or TILL_DATA_DIR); default per platform
  --json           one JSON document on stdout (see README: "JSON output")
  -h, --help       this text;  --version  the till's version

Exit codes: 0 done, 1 error, 2 usage, 3 outcome unknown (resolve later), 4 declined by Alipay.
A fresh data directory is a sandbox profile: run \`till sandbox\` in one terminal and
\`till precreate --amount 2.39 --title Coffee\` in another.
`;
