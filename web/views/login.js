// Login: POST /session {email, password} → {user, csrf} and the session cookie; then app.js loads
// /me and goes to where the user was sent from (?next=#/...).
import { post, setCsrf } from '../api.js';
import { $, html, setHTML, busy, clearMessage, message } from '../util.js';

export function mount(root, ctx) {
  setHTML(root, html`
    <form class="login" id="login-form" autocomplete="on">
      <h1>Regional Cyber Exchange</h1>
      <label>E-mail <input type="email" name="email" id="login-email" required autocomplete="username" autofocus></label>
      <label>Password <input type="password" name="password" id="login-password" required autocomplete="current-password"></label>
      <button type="submit" class="btn-primary" id="login-submit">Log in</button>
    </form>`);
  const form = $('#login-form', root);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const email = form.email.value.trim();
    const password = form.password.value;
    busy($('#login-submit', root), async () => {
      clearMessage();
      try {
        const r = await post('/session', { email, password });
        setCsrf(r && r.csrf);
      } catch (err) {
        form.password.value = '';
        form.password.focus();
        if (err.status === 401 || err.status === 403)
          message(`Login failed: ${err.message}`, 'error');
        else
          throw err;
        return;
      }
      await ctx.loggedIn(ctx.parseRoute().params.get('next') || '');
    });
  });
  return {
    update() { setTimeout(() => form.email.focus(), 0); },
    focusFilter() { form.email.focus(); },
  };
}
