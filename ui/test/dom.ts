/**
 * A browser-like document for the UI's component tests (happy-dom, MIT), under node's test
 * runner: `render()` mounts React into it with Mantine's provider; input helpers fire the
 * events React listens to.
 */
import { GlobalRegistrator } from '@happy-dom/global-registrator';

GlobalRegistrator.register({ url: 'http://127.0.0.1/_ui/' });
// React's act() environment flag: state updates inside act() are flushed before it returns.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const { MantineProvider } = await import('@mantine/core');
const { act, createElement } = await import('react');
const { createRoot } = await import('react-dom/client');

export interface Mounted {
  container: HTMLElement;
  unmount(): Promise<void>;
}

export async function render(node: React.ReactNode): Promise<Mounted> {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  await act(async () => root.render(createElement(MantineProvider, null, node)));
  return {
    container,
    async unmount() {
      await act(async () => root.unmount());
      container.remove();
    },
  };
}

/** Types into a text input or textarea as a user would (React reads the native value setter). */
export async function type(el: Element | null, value: string): Promise<void> {
  if (!el) throw new Error('no such input');
  const input = el as HTMLInputElement | HTMLTextAreaElement;
  const proto = input.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export async function select(el: Element | null, value: string): Promise<void> {
  if (!el) throw new Error('no such select');
  const s = el as HTMLSelectElement;
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(s, value);
    s.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

export async function click(el: Element | null): Promise<void> {
  if (!el) throw new Error('nothing to click');
  await act(async () => {
    (el as HTMLElement).click();
  });
}

/** Lets pending promises (an async submit) settle inside act(). */
export async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}
