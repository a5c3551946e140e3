// Stand-in for the `debug` package inside the bundled ingest worker. mqtt.js and mqtt-packet call
// their loggers several times per packet; with logging off each call still costs a getter and a
// call, ~7 % of the worker at 200k msg/s. Whether a namespace is on is decided once, when the
// logger is made (DEBUG=mqttjs*,mqtt-packet* still works, read at start-up).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS shim, bundled as such
const createDebug = require('debug');

const off = Object.assign(() => {}, { enabled: false, extend: () => off, destroy: () => {} });

module.exports = function quietDebug(namespace) {
  const logger = createDebug(namespace);
  return logger.enabled ? logger : off;
};
module.exports.default = module.exports;
