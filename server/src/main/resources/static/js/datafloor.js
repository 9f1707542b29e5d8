// Sends the CSRF token with every htmx request (kept out of inline script so the CSP can forbid inline code).
document.addEventListener('htmx:configRequest', function (event) {
  var header = document.querySelector('meta[name="csrf-header"]');
  var token = document.querySelector('meta[name="csrf-token"]');
  if (header && token) {
    event.detail.headers[header.content] = token.content;
  }
});

// Long form posts (uploads): show the form's progress element and stop a second submit while it works.
document.addEventListener('submit', function (event) {
  var form = event.target;
  var busy = form.getAttribute && form.getAttribute('data-busy');
  if (!busy) {
    return;
  }
  if (form.dataset.submitted === 'true') {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = 'true';
  var indicator = document.getElementById(busy);
  if (indicator) {
    indicator.hidden = false;
  }
  form.querySelectorAll('button[type="submit"]').forEach(function (b) { b.disabled = true; });
});

// The source form: only the chosen kind's fields show, and the others are disabled so they are not sent.
function showChosenKind(picker) {
  picker.form.querySelectorAll('fieldset[data-kind]').forEach(function (group) {
    var chosen = group.getAttribute('data-kind') === picker.value;
    group.hidden = !chosen;
    group.disabled = !chosen;
  });
}
document.addEventListener('change', function (event) {
  if (event.target.matches && event.target.matches('select[data-kind-picker]')) {
    showChosenKind(event.target);
  }
});
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('select[data-kind-picker]').forEach(showChosenKind);
});
