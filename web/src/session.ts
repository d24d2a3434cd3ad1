// The session-expiry state shared by the router (which notices a 401) and App.vue (which shows
// the sign-in dialog): the username whose session ended, or '' while the session is alive.
import { ref } from 'vue'

export const sessionExpired = ref('')
