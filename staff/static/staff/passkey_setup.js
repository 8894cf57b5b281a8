// After django-otp-webauthn's script has registered a passkey: show the recovery codes when
// this was the person's first factor, else reload the setup page with the new passkey listed.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const button = document.getElementById("passkey-register-button");
  const showCodes = event.detail.response.recovery_codes;
  window.location.assign(showCodes ? button.dataset.recoveryCodesUrl : button.dataset.doneUrl);
});
