// Keep a copy of what is typed into a long form in this browser until the
// save succeeds, so that nothing is lost to an expired session, a dropped
// connection or a closed tab. The copy is keyed by the form's submission key
// and cleared by the page that confirms the save (data-clear-kept).
const STORE = 'deal:kept:'
const SKIP = new Set(['csrfmiddlewaretoken'])

function storageKey (form) {
  return STORE + window.location.pathname
}

function readForm (form) {
  const values = {}
  for (const element of form.elements) {
    if (!element.name || SKIP.has(element.name) || element.type === 'submit') continue
    if ((element.type === 'checkbox' || element.type === 'radio')) {
      if (element.checked) (values[element.name] ||= []).push(element.value)
    } else {
      (values[element.name] ||= []).push(element.value)
    }
  }
  return values
}

function writeForm (form, values) {
  for (const element of form.elements) {
    if (!element.name || SKIP.has(element.name) || element.type === 'submit') continue
    if (!(element.name in values)) {
      if (element.type === 'checkbox' || element.type === 'radio') element.checked = false
      continue
    }
    const saved = values[element.name]
    if (element.type === 'checkbox' || element.type === 'radio') {
      element.checked = saved.includes(element.value)
    } else {
      const nth = Array.from(form.elements).filter((e) => e.name === element.name).indexOf(element)
      if (saved[nth] !== undefined) element.value = saved[nth]
    }
  }
}

function hasText (values) {
  return Object.entries(values).some(([name, list]) =>
    !name.endsWith('_FORMS') && !['submission_key', 'version'].includes(name) &&
    list.some((v) => v && v.trim() !== ''))
}

function announce (form) {
  const note = document.createElement('div')
  note.className = 'govuk-inset-text'
  note.setAttribute('role', 'status')
  note.textContent = 'We have put back what you typed before, which had not been saved yet. Check it, then save.'
  form.prepend(note)
}

export function keepTyped (form) {
  const key = storageKey(form)
  const formIsFresh = !document.querySelector('.govuk-error-summary')
  const kept = window.localStorage.getItem(key)
  if (kept && formIsFresh) {
    try {
      const { values, lines } = JSON.parse(kept)
      if (lines) ensureLines(form, lines)
      writeForm(form, values)
      announce(form)
    } catch (error) {
      window.localStorage.removeItem(key)
    }
  }
  let timer
  const save = () => {
    window.clearTimeout(timer)
    timer = window.setTimeout(() => {
      const values = readForm(form)
      if (!hasText(values)) return
      const lines = form.querySelectorAll('.moj-add-another__item').length
      try {
        window.localStorage.setItem(key, JSON.stringify({ values, lines, at: Date.now() }))
      } catch (error) { /* storage full or switched off: the server still has the form */ }
    }, 400)
  }
  form.addEventListener('input', save)
  form.addEventListener('change', save)
}

// Put back as many action lines as there were, using add-another's button.
function ensureLines (form, lines) {
  const add = form.querySelector('.moj-add-another__add-button')
  if (!add) return
  let guard = 30
  while (form.querySelectorAll('.moj-add-another__item').length < lines && guard-- > 0) {
    add.click()
  }
}

export function clearKept (root) {
  const saved = root.querySelectorAll('[data-clear-kept]')
  if (!saved.length) return
  const keys = new Set(Array.from(saved, (element) => element.dataset.clearKept))
  for (let i = window.localStorage.length - 1; i >= 0; i--) {
    const name = window.localStorage.key(i)
    if (!name || !name.startsWith(STORE)) continue
    try {
      const { values } = JSON.parse(window.localStorage.getItem(name))
      if (keys.has((values.submission_key || [])[0])) window.localStorage.removeItem(name)
    } catch (error) {
      window.localStorage.removeItem(name)
    }
  }
}
