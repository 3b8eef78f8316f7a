/** The one button: primary, secondary or danger, with a busy state that keeps its name for assistive tech. */
import type { ButtonHTMLAttributes } from 'react';

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger' | 'ghost'; busy?: boolean };

export function Button({ variant = 'secondary', busy = false, disabled, className, type = 'button', children, ...rest }: ButtonProps) {
  return (
    <button {...rest} type={type} className={['button', `button-${variant}`, className].filter(Boolean).join(' ')} disabled={disabled || busy} aria-busy={busy || undefined}>
      {children}
    </button>
  );
}
