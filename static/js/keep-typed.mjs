// Keep a copy of what is typed into a long form in this browser until the
// save succeeds, so that nothing is lost to an expired session, a dropped
// connection or a closed tab.
//
// - The copy is kept per page (its path) with the form's submission key.
// - Only what the user typed or chose comes back: never hidden fields (which
//   record the version of the record the page was drawn from), so a restored
//   copy can never hide someone else's later save.
// - It comes back only on a freshly opened page (data-restore-kept), never on
//   a page the server redrew with errors or a conflict: that page already
//   holds what was sent.
// - The page that confirms a save (data-clear-kept, listing the keys it
//   saved) removes the copies with those keys; signing out removes them all.
// - Each copy belongs to the member of staff who typed it (the page's
//   data-kept-for, an opaque name for them) and is put back only for them.
//   On a shared computer, the next person to sign in never sees it: any page
//   they open removes other people's copies. A copy is kept no longer than a
//   session can last (data-kept-hours), so one typed yesterday is gone.
const STORE = 'deal:kept:'
const SKIP = new Set(['csrfmiddlewaretoken'])

function owner () {
  return document.body.dataset.keptFor || ''
}

function maxAge () {
  const hours = Number(document.body.dataset.keptHours)
  return (Number.isFinite(hours) && hours > 0 ? hours : 10) * 3600 * 1000
}

// The form may name where its copy is kept (data-keep-typed="/people/1/…/new/"):
// a new conversation's address carries its key, and a copy must still be
// found when the page is opened afresh with a new key.
function storageKey (form) {
  return STORE + owner() + ':' + ((form && form.dataset.keepTyped) || window.location.pathname)
}

function isTyped (element) {
  return element.name && !SKIP.has(element.name) && element.type !== 'submit' &&
    element.type !== 'hidden' && element.type !== 'button'
}

function readForm (form) {
  const values = {}
  for (const element of form.elements) {
    if (!isTyped(element)) continue
    if (element.type === 'checkbox' || element.type === 'radio') {
      if (element.checked) (values[element.name] ||= []).push(element.value)
    } else {
      (values[element.name] ||= []).push(element.value)
    }
  }
  return values
}

function writeForm (form, values) {
  const elements = Array.from(form.elements).filter(isTyped)
  for (const element of elements) {
    if (!(element.name in values)) {
      if (element.type === 'checkbox' || element.type === 'radio') element.checked = false
      continue
    }
    const saved = values[element.name]
    if (element.type === 'checkbox' || element.type === 'radio') {
      element.checked = saved.includes(element.value)
    } else {
      const nth = elements.filter((e) => e.name === element.name).indexOf(element)
      if (saved[nth] !== undefined) element.value = saved[nth]
    }
  }
}

function hasText (values) {
  return Object.values(values).some((list) => list.some((v) => v && v.trim() !== ''))
}

function submissionKey (form) {
  const input = form.querySelector('input[name="submission_key"]')
  return input ? input.value : ''
}

function announce (form) {
  const note = document.createElement('div')
  note.className = 'govuk-inset-text'
  note.setAttribute('role', 'status')
  note.textContent = 'We have put back what you typed before, which had not been saved yet. Check it, then save.'
  form.prepend(note)
}

function store (form) {
  const values = readForm(form)
  if (!hasText(values) || !owner()) return
  const lines = form.querySelectorAll('.moj-add-another__item').length
  try {
    window.localStorage.setItem(storageKey(form), JSON.stringify({
      key: submissionKey(form), values, lines, at: Date.now(), for: owner()
    }))
  } catch (error) { /* storage full or switched off: the server still has the form */ }
}

export function keepTyped (form) {
  if (!owner()) return
  const kept = window.localStorage.getItem(storageKey(form))
  if (kept && form.hasAttribute('data-restore-kept')) {
    try {
      const { values, lines, for: typedBy, at } = JSON.parse(kept)
      if (typedBy !== owner() || !(Date.now() - at < maxAge())) throw new Error('not theirs')
      if (lines) ensureLines(form, lines)
      writeForm(form, values)
      announce(form)
      // From now on the copy belongs to this page's submission.
      store(form)
    } catch (error) {
      window.localStorage.removeItem(storageKey(form))
    }
  }
  let timer
  const later = () => {
    window.clearTimeout(timer)
    timer = window.setTimeout(() => store(form), 400)
  }
  form.addEventListener('input', later)
  form.addEventListener('change', later)
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

function forEachCopy (visit) {
  for (let i = window.localStorage.length - 1; i >= 0; i--) {
    const name = window.localStorage.key(i)
    if (name && name.startsWith(STORE)) visit(name)
  }
}

export function clearKept (root) {
  const saved = root.querySelectorAll('[data-clear-kept]')
  if (!saved.length) return
  const keys = new Set()
  saved.forEach((element) => element.dataset.clearKept.split(/\s+/).forEach((k) => k && keys.add(k)))
  forEachCopy((name) => {
    try {
      if (keys.has(JSON.parse(window.localStorage.getItem(name)).key)) {
        window.localStorage.removeItem(name)
      }
    } catch (error) {
      window.localStorage.removeItem(name)
    }
  })
}

// Signing out on purpose: leave nothing of anyone's record on a shared device.
export function clearAllKept () {
  forEachCopy((name) => window.localStorage.removeItem(name))
}

// On every signed-in page: remove copies typed by someone else on this
// browser, copies older than a session can last, and copies kept before
// copies had an owner. On the sign-in page (no data-kept-for) only the
// old ones go: the copy is there for whoever signs in again after their
// session ended.
export function clearOthersKept () {
  const me = owner()
  forEachCopy((name) => {
    try {
      const copy = JSON.parse(window.localStorage.getItem(name))
      const expired = !(Date.now() - copy.at < maxAge())
      const someoneElses = copy.for !== me || !name.startsWith(STORE + me + ':')
      if (expired || !copy.for || (me && someoneElses)) {
        window.localStorage.removeItem(name)
      }
    } catch (error) {
      window.localStorage.removeItem(name)
    }
  })
}
