/** The only importer of serialport (docs/architecture.md): main/devices speaks to ports through this. */
export { openSerial, SerialConnection, type SerialCloseInfo, type SerialConnectionEvents } from './open-serial';
export { listSerialPorts } from './list-ports';
export { SerialError, isSerialError, type SerialErrorCode } from './serial-error';
export { SERIAL_DEFAULTS, type SerialFlowControl, type SerialOptions, type SerialParity, type SerialPortInfo } from './serial-options';
