/**
 * The serial ports this machine has, for `till devices list` and the supervisor's device
 * screen. The CLI and the router ask main/devices, never native/ directly: devices own
 * everything serial (docs/architecture.md, "Layers").
 */
export { isSerialError, listSerialPorts, type SerialPortInfo } from '../../native/serial';
