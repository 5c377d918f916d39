import { VirtualPrinter } from '../support/virtual-printer';

/**
 * The sustained bench's receipt printer in a process of its own: the virtual printer keeps
 * every byte and slip it was sent, which would otherwise count in the till's RSS.
 * Asked 'count', it answers how many slips were cut.
 */
process.once('message', (msg: { device: string }) => {
  void VirtualPrinter.open(msg.device, { dotsPerLine: 384 }).then((printer) => {
    process.on('message', (ask: string) => {
      if (ask === 'count') process.send?.({ slips: printer.slips.length });
    });
    process.send?.({ ready: true });
    process.once('disconnect', () => void printer.close().then(() => process.exit(0)));
  });
});
