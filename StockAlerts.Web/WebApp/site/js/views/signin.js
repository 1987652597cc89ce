// Sign in or create an account: one form, two buttons.
import { ApiError, register, signIn } from '../api.js';
import { busy, h, pageHeading } from '../dom.js';
import { errorSummary, field, input, showErrors } from '../forms.js';

const RETURN_TO_KEY = 'stockalerts.returnTo';

// Identity answers with codes such as PasswordTooShort or DuplicateEmail; they belong next to the field they are about.
function fieldOfIdentityError(path) {
  if (path.startsWith('password')) return 'password';
  if (path.startsWith('email') || path.startsWith('duplicate') || path.startsWith('invalidEmail') || path.startsWith('invalidUserName')) return 'email';
  return path;
}

export default function render(main, { navigate }) {
  const email = input({ type: 'email', autocomplete: 'username', required: true, 'data-testid': 'signin-email', spellcheck: 'false' });
  const password = input({ type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'signin-password' });
  const signInButton = h('button', { type: 'submit', class: 'primary', 'data-testid': 'signin-submit' }, 'Sign in');
  const registerButton = h('button', { type: 'button', 'data-testid': 'register-submit' }, 'Create account');

  const form = h('form', { class: 'card', novalidate: true, 'data-testid': 'signin-form' },
    errorSummary('signin-error'),
    field('email', 'Email', email),
    field('password', 'Password', password, {
      hint: 'New accounts need at least 6 characters with an uppercase and a lowercase letter, a digit and a symbol.',
    }),
    h('div', { class: 'form-actions' }, signInButton, registerButton));

  const done = () => {
    const returnTo = sessionStorage.getItem(RETURN_TO_KEY);
    sessionStorage.removeItem(RETURN_TO_KEY);
    navigate(returnTo && returnTo.startsWith('/') && returnTo !== '/signin' ? returnTo : '/watchlist', { replace: true });
  };

  const attempt = async (button, action) => {
    try {
      await busy(button, () => action(email.value.trim(), password.value));
      done();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        showErrors(form, {}, { message: 'That email and password do not match an account.' });
      } else if (error instanceof ApiError && Object.keys(error.errors).length) {
        showErrors(form, error.errors, { alias: fieldOfIdentityError });
      } else {
        showErrors(form, {}, { message: error.message });
      }
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    attempt(signInButton, signIn);
  });
  registerButton.addEventListener('click', () => attempt(registerButton, register));

  main.append(h('section', { class: 'auth' },
    pageHeading('Welcome to StockAlerts'),
    h('p', { class: 'muted' }, 'Get told when a stock or currency moves the way you care about.'),
    form));
  email.focus();
}
