import type { HandlerTable } from '../call-context';

/** Log in, set the first PIN (with the terminal's one-time code), log out, change the PIN (the lockout is in SupervisorPin). */

export const supervisorHandlers: HandlerTable<'supervisor.login' | 'supervisor.setupPin' | 'supervisor.logout' | 'supervisor.changePin'> = {
  'supervisor.login': async (ctx, { pin }) => {
    await ctx.pin.verify(pin, ctx.connection.pinThrottle);
    return { expiresAt: ctx.connection.session.start() };
  },
  'supervisor.setupPin': async (ctx, { code, pin }) => {
    await ctx.pin.setupWithCode(code, pin, ctx.connection.pinThrottle);
    ctx.statusChanged();
    return { expiresAt: ctx.connection.session.start() };
  },
  'supervisor.logout': (ctx) => {
    ctx.connection.session.end();
    return { ok: true };
  },
  'supervisor.changePin': async (ctx, { currentPin, newPin }) => {
    await ctx.pin.change(currentPin, newPin, ctx.connection.pinThrottle);
    // Whoever logged in elsewhere with the old PIN logs in again.
    ctx.endOtherSessions();
    return { ok: true };
  },
};
