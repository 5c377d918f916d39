import { useState, type Dispatch } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { itemProblem, itemsTotal, MAX_ITEM_NAME_CHARS, MAX_QUANTITY, MAX_TITLE_CHARS, type CartAction, type CartState } from './cart';

/** Optional title and item lines; the keypad entry is the next item's unit price. */
export function CartPanel({ cart, dispatch, currency, titlePlaceholder }: { cart: CartState; dispatch: Dispatch<CartAction>; currency: string; titlePlaceholder: string }) {
  const { t, money } = useI18n();
  const [name, setName] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [problem, setProblem] = useState<string | null>(null);

  function add(): void {
    const qty = /^\d{1,3}$/.test(quantity) ? Number(quantity) : NaN;
    const found = itemProblem(cart, name, qty);
    if (found !== null) {
      setProblem(t(`cart.problem.${found}`, { max: MAX_QUANTITY }));
      return;
    }
    dispatch({ type: 'add-item', name, quantity: qty });
    setName('');
    setQuantity('1');
    setProblem(null);
  }

  return (
    <section className="panel cart" aria-label={t('cart.heading')}>
      <label className="field">
        <span>{t('cart.title')}</span>
        <input
          data-testid="title-input"
          value={cart.title}
          maxLength={MAX_TITLE_CHARS}
          placeholder={titlePlaceholder}
          onChange={(e) => dispatch({ type: 'title', title: e.target.value })}
        />
      </label>
      <form
        className="item-form"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <label className="field grow">
          <span>{t('cart.itemName')}</span>
          <input data-testid="item-name-input" value={name} maxLength={MAX_ITEM_NAME_CHARS} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field qty">
          <span>{t('cart.quantity')}</span>
          <input data-testid="item-qty-input" value={quantity} inputMode="numeric" maxLength={3} onChange={(e) => setQuantity(e.target.value.replace(/\D/g, ''))} />
        </label>
        <button type="submit" className="btn" data-testid="item-add-button">
          {t('cart.addItem', { price: money(cart.entryMinor, currency) })}
        </button>
      </form>
      {problem !== null && (
        <p className="note note-error" data-testid="item-error">
          {problem}
        </p>
      )}
      {cart.items.length > 0 && (
        <>
          <ul className="cart-items" data-testid="cart-items">
            {cart.items.map((item, i) => (
              <li key={`${i}-${item.name}`} data-testid={`cart-item-${i}`}>
                <span className="grow">
                  {item.quantity} × {item.name}
                </span>
                <span>{money(item.quantity * item.unitPriceMinor, currency)}</span>
                <button type="button" className="btn btn-small" data-testid={`cart-item-remove-${i}`} aria-label={t('cart.remove')} onClick={() => dispatch({ type: 'remove-item', index: i })}>
                  ✕
                </button>
              </li>
            ))}
          </ul>
          <p className="cart-total" data-testid="cart-total">
            {t('cart.total')} {money(itemsTotal(cart.items), currency)}
          </p>
        </>
      )}
    </section>
  );
}
