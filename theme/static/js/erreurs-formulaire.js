/* Optional: after an error in the comment form, bring the keyboard and screen reader to the list
   of errors (theme/templates/partials/comment_form.html loads it only then). */
(function (summary) { if (summary) { summary.focus(); } })(document.getElementById("erreurs-commentaire"));
