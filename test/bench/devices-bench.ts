import { create } from 'qrcode';
import { qrJob, rasterBits, smallestNativeQrJobBytes } from '../../main/devices/escpos/qr-job';
import { getProfile } from '../../main/devices/profiles';
import { line, percentile } from './measure';

/**
 * Issue 4 figures: bytes on the wire for the QR job of a 100-character URL (native and
 * raster, generic 58 mm profile), the time those bytes take at 8N1, the encode time, and
 * what the best-known raster approaches would send for the same symbol.
 */

const URL_100 = 'https://global.alipay.com/281002042tmCd8ZkTS2sxBuzSNu431cII?order=T0000BENCH-20261125-0000001&v=2026';
// 0.375 mm at 203 dpi: the smallest module phones read reliably off thermal paper in our
// experience of such slips; 2 dots (0.25 mm) scans only with good cameras and light.
const MIN_READABLE_DOTS = 3;
const GS_V_0_HEADER = 8;

const wire = (bytes: number, baud: number): string => `${((bytes * 10) / baud * 1000).toFixed(0)} ms`;

function medianMs(runs: number, work: () => void): number {
  for (let i = 0; i < 20; i++) work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return percentile(times.sort((a, b) => a - b), 50);
}

/** A bare GS v 0 image of the symbol at `scale` dots per module, rows cut at the symbol's edge. */
function bareRasterBytes(matrixSize: number, scale: number): number {
  return GS_V_0_HEADER + Math.ceil((matrixSize * scale) / 8) * matrixSize * scale;
}

/** y (dots) from the job's GS v 0 header. */
function rasterRows(job: Uint8Array): number {
  for (let i = 0; i + 7 < job.length; i++) {
    if (job[i] === 0x1d && job[i + 1] === 0x76 && job[i + 2] === 0x30) return job[i + 6]! + 256 * job[i + 7]!;
  }
  throw new Error('no GS v 0 image in the raster job');
}

export function benchDevices(): void {
  if (URL_100.length !== 100) throw new Error(`bench URL is ${URL_100.length} characters, not 100`);
  const profile = getProfile('generic');
  const native = qrJob(URL_100, profile, { mode: 'native' });
  const nativeM = qrJob(URL_100, profile, { mode: 'native', errorCorrection: 'M' });
  const raster = qrJob(URL_100, profile, { mode: 'raster' });
  const smallest = smallestNativeQrJobBytes(URL_100).length;
  const matrix = create(URL_100, { errorCorrectionLevel: 'L' }).modules;
  const scale = rasterRows(raster) / matrix.size;

  process.stdout.write(`\nDevices: QR job for a 100-character URL, generic profile (58 mm, 384 dots), EC L, version ${create(URL_100, { errorCorrectionLevel: 'L' }).version} (${matrix.size} modules)\n`);
  line('QR job, native GS ( k (size, store, print; after the slip\'s ESC @)', `${native.length} B`);
  line('  smallest possible native job (store + print only)', `${smallest} B`);
  line('  native / smallest', `${(native.length / smallest).toFixed(3)}x`, '<= 1.1x');
  const settings = 8; // module size: model 2 and EC L are what ESC @ leaves
  line('  extra: module size + quiet-zone LFs', `${settings} + ${native.length - smallest - settings} B`);
  line('  same job at EC M (+ GS ( k fn 69), native / smallest', `${nativeM.length} B, ${(nativeM.length / smallest).toFixed(3)}x`);
  line(`QR job, raster GS v 0 m=0 (${scale} dots/module, padded)`, `${raster.length} B`);
  line('  raster / smallest native', `${(raster.length / smallest).toFixed(1)}x`);
  for (const baud of [9600, 115200]) {
    line(`time on the wire at ${baud} baud 8N1, native`, wire(native.length, baud));
    line(`time on the wire at ${baud} baud 8N1, raster`, wire(raster.length, baud));
  }

  // Best-known raster approaches for the same symbol, computed from the matrix (not sent).
  const leftPadOnly = rasterBits(matrix, MIN_READABLE_DOTS, 4 * MIN_READABLE_DOTS);
  const minReadable = bareRasterBytes(matrix.size, MIN_READABLE_DOTS);
  const quadSameSize = bareRasterBytes(matrix.size, scale / 2);
  const floor = bareRasterBytes(matrix.size, 1);
  line(`best raster: m=0, ${MIN_READABLE_DOTS} dots/module (min readable), bare`, `${minReadable} B`);
  line(`  same with the left quiet zone drawn in (not centred)`, `${GS_V_0_HEADER + leftPadOnly.bits.length} B`);
  line(`best raster: m=3 quadruple, ${scale / 2} dots sent, ${scale} printed`, `${quadSameSize} B`);
  line('raster floor: 1 dot/module, m=3 (2-dot, not readable)', `${floor} B`);
  line(`  at 9600 baud: ${MIN_READABLE_DOTS}-dot m=0 / m=3 same size / floor`, `${wire(minReadable, 9600)} / ${wire(quadSameSize, 9600)} / ${wire(floor, 9600)}`);

  const nativeMs = medianMs(2000, () => qrJob(URL_100, profile, { mode: 'native' }));
  const rasterMs = medianMs(500, () => qrJob(URL_100, profile, { mode: 'raster' }));
  line('encode time, native QR job (median of 2000)', `${nativeMs.toFixed(3)} ms`, '<= 5 ms');
  line('encode time, raster QR job (median of 500)', `${rasterMs.toFixed(3)} ms`, '<= 5 ms');
}

if (require.main === module) benchDevices();
