import { router } from '../../init';
import { authLogin } from './auth-login.procedure';
import { authLogout } from './auth-logout.procedure';
import { authMe } from './auth-me.procedure';

export const authRouter = router({ login: authLogin, logout: authLogout, me: authMe });
