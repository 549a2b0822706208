// Start GOV.UK Frontend's and MOJ Frontend's components, then our own small
// helpers. Every page works without JavaScript; these only make it easier.
import { initAll as initGovuk, createAll } from '/static/govuk/govuk-frontend.min.js'
import { initAll as initMoj, FilterToggleButton } from '/static/moj/moj-frontend.min.js'
import { keepTyped, clearKept, clearAllKept, clearOthersKept } from '/static/js/keep-typed.mjs'
import { warnBeforeTimeout } from '/static/js/session-timeout.mjs'
import { countFormsetItems } from '/static/js/formset.mjs'

initGovuk()
initMoj()
// Not started by MOJ's initAll: the filter of a list, hidden behind "Show
// filter" on a phone so the list comes first.
createAll(FilterToggleButton)
clearOthersKept()
clearKept(document)
document.querySelectorAll('form[data-sign-out]').forEach((form) => {
  form.addEventListener('submit', clearAllKept)
})
document.querySelectorAll('form[data-keep-typed]').forEach(keepTyped)
document.querySelectorAll('[data-formset-prefix]').forEach(countFormsetItems)
warnBeforeTimeout(document.body)

document.querySelectorAll('[data-module="app-print"]').forEach((button) => {
  button.hidden = false
  button.addEventListener('click', () => window.print())
})
