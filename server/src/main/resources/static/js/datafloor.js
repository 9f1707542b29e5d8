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

// The catalog's filters apply as soon as one changes; the button stays for browsers without script.
document.addEventListener('change', function (event) {
  var form = event.target.form;
  if (form && form.hasAttribute('data-autosubmit') && event.target.type === 'checkbox') {
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }
});
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-nojs-only]').forEach(function (e) { e.hidden = true; });
  // Filters are folded on a phone (results first) and open on a wide screen.
  if (window.matchMedia && window.matchMedia('(min-width: 50rem)').matches) {
    document.querySelectorAll('details[data-open-wide]').forEach(function (d) { d.open = true; });
  }
});

// "Use it from code": copy a line to the clipboard and say so on the button.
document.addEventListener('click', function (event) {
  var button = event.target.closest ? event.target.closest('button[data-copy]') : null;
  if (!button || !navigator.clipboard) {
    return;
  }
  var source = document.getElementById(button.getAttribute('data-copy'));
  if (!source) {
    return;
  }
  navigator.clipboard.writeText(source.textContent).then(function () {
    var label = button.textContent;
    button.textContent = button.getAttribute('data-copied') || label;
    setTimeout(function () { button.textContent = label; }, 2000);
  });
});
